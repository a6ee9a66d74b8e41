import { counter } from '@iot/common';
import { median, ratio, saveResult } from '../lib/report';
import { scrapeDurationsMs } from '../lib/scraper';
import type { BenchContext } from '../lib/context';
import { batches, perS, singlePosts } from '../lib/dispositivo-runs';

const BUDGET = 0.97;

/** One run: readings acknowledged per second, and dispositivo's CPU µs per reading. */
interface Arm {
  perS: number;
  cpuUs: number;
}
type Pair = Record<'single' | 'batch', { on: Arm; off: Arm }>;

/**
 * What metrics cost `npm run bench http`: the same build of dispositivo with
 * /metrics served and scraped every second (15 times Prometheus' shipped
 * interval) against without (no port: no process metrics either). Pairs run
 * in alternating order so drift cancels. Two measures: throughput (what the
 * budget names, but on 2 shared cores it swings ±10 % between identical runs)
 * and dispositivo's own CPU time per reading (from /proc; what the metrics
 * actually add, far less disturbed by the neighbours). The counter increments
 * run in both arms, so they are timed apart.
 */
export async function metricsCost(ctx: BenchContext): Promise<void> {
  const scrapesBefore = scrapeDurationsMs().length; // other scenarios of the same run scrape too
  const pairs: Pair[] = [];
  for (let r = 0; r < ctx.rounds; r++) {
    const order = r % 2 ? [false, true] : [true, false];
    const pair = {} as Pair;
    pair.single = { on: { perS: 0, cpuUs: 0 }, off: { perS: 0, cpuUs: 0 } };
    pair.batch = { on: { perS: 0, cpuUs: 0 }, off: { perS: 0, cpuUs: 0 } };
    for (const on of order) {
      const s = await singlePosts(ctx, on);
      const readings = s.load.requests - s.load.non2xx;
      pair.single[on ? 'on' : 'off'] = { perS: perS(s.load), cpuUs: (s.cpuS / readings) * 1e6 };
    }
    for (const on of order) {
      const b = await batches(ctx, on);
      pair.batch[on ? 'on' : 'off'] = {
        perS: b.stored / b.load.durationS,
        cpuUs: (b.cpuS / b.stored) * 1e6,
      };
    }
    pairs.push(pair);
    const line = (k: 'single' | 'batch') =>
      `${k} ${ratio(pair[k].on.perS, pair[k].off.perS)} (cpu ${ratio(pair[k].off.cpuUs, pair[k].on.cpuUs)})`;
    process.stdout.write(`pair ${r + 1}/${ctx.rounds}: ${line('single')}, ${line('batch')}\n`);
  }
  const spread = (xs: number[]) => ({
    median: median(xs),
    min: Math.min(...xs),
    max: Math.max(...xs),
    perPair: xs,
  });
  const summary = (arm: 'single' | 'batch') => ({
    perS: {
      on: Math.round(median(pairs.map((p) => p[arm].on.perS))),
      off: Math.round(median(pairs.map((p) => p[arm].off.perS))),
      ratio: spread(pairs.map((p) => ratio(p[arm].on.perS, p[arm].off.perS))),
    },
    cpuUs: {
      on: Math.round(median(pairs.map((p) => p[arm].on.cpuUs)) * 10) / 10,
      off: Math.round(median(pairs.map((p) => p[arm].off.cpuUs)) * 10) / 10,
      // without / with: below 1 is what the metrics cost
      ratio: spread(pairs.map((p) => ratio(p[arm].off.cpuUs, p[arm].on.cpuUs))),
    },
  });
  const scrapes = scrapeDurationsMs().slice(scrapesBefore);
  const scrapeMs = {
    n: scrapes.length,
    median: Math.round(median(scrapes) * 100) / 100,
    max: Math.round(Math.max(...scrapes) * 100) / 100,
  };
  const result = {
    single: summary('single'),
    batch: summary('batch'),
    incNs: counterIncNs(),
    scrapeMs,
  };
  process.stdout.write(`\nMetrics cost (${ctx.rounds} pairs, ${ctx.durationS} s per run)\n`);
  process.stdout.write(
    '| run | readings/s without / with | ratio (min–max) | CPU µs per reading without / with | ratio (min–max) |\n',
  );
  process.stdout.write('|---|---:|---:|---:|---:|\n');
  for (const [run, s] of [
    ['POST /envio', result.single],
    ['POST /lecturas (1000/batch)', result.batch],
  ] as const) {
    const r = (x: ReturnType<typeof spread>) => `${x.median} (${x.min}–${x.max})`;
    process.stdout.write(
      `| ${run} | ${s.perS.off} / ${s.perS.on} | ${r(s.perS.ratio)} | ${s.cpuUs.off} / ${s.cpuUs.on} | ${r(s.cpuUs.ratio)} |\n`,
    );
  }
  const within = [result.single, result.batch].every((s) => s.cpuUs.ratio.median >= BUDGET);
  process.stdout.write(
    `counter increment: ${result.incNs} ns (in both arms); a scrape under load: median ${scrapeMs.median} ms, max ${scrapeMs.max} ms (${scrapeMs.n}); CPU per reading within ${BUDGET}: ${within ? 'yes' : 'NO'}\n`,
  );
  const file = saveResult('metrics-cost', {
    durationS: ctx.durationS,
    rounds: ctx.rounds,
    budget: BUDGET,
    ...result,
  });
  process.stdout.write(`written to ${file}\n`);
}

/** One increment of a labelled, pre-bound counter, as dispositivo does per result. */
function counterIncNs(): number {
  const c = counter({
    name: 'bench_inc_total',
    help: 'bench',
    labelNames: ['transport', 'result'],
  });
  const child = c.labels('http', 'stored');
  const n = 2_000_000;
  for (let i = 0; i < n / 10; i++) child.inc(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) child.inc();
  return Math.round((Number(process.hrtime.bigint() - start) / n) * 10) / 10;
}

import type { BenchContext } from '../lib/context';
import { copyBaseline } from '../lib/copy-baseline';
import {
  BATCH_CONNECTIONS,
  BATCH_SIZE,
  bareBaseline,
  batches,
  perS,
  singlePosts,
} from '../lib/dispositivo-runs';
import { LoadResult } from '../lib/load';
import { median, printTable, ratio, Row, saveResult } from '../lib/report';

const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

interface Round {
  bare: LoadResult;
  single: Awaited<ReturnType<typeof singlePosts>>;
  copyPerS: number;
  batch: Awaited<ReturnType<typeof batches>>;
}

/**
 * Each round runs a baseline right before its project run, so both see the
 * same machine; the reported ratio is the median over rounds.
 */
export async function httpIngestion(ctx: BenchContext): Promise<void> {
  const rounds: Round[] = [];
  for (let r = 0; r < ctx.rounds; r++) {
    const bare = await bareBaseline(ctx);
    const single = await singlePosts(ctx);
    const copy = await copyBaseline(ctx.serverUrl, ctx.durationS, BATCH_CONNECTIONS, BATCH_SIZE);
    const batch = await batches(ctx);
    rounds.push({ bare, single, copyPerS: copy.rows / copy.seconds, batch });
    process.stdout.write(`round ${r + 1}/${ctx.rounds} done\n`);
  }
  const batchPerS = (r: Round): number => r.batch.stored / r.batch.load.durationS;
  const m = (f: (r: Round) => number): number => Math.round(median(rounds.map(f)));
  const rows: Row[] = [
    {
      run: 'baseline: bare node:http, single POST',
      readingsPerS: m((r) => perS(r.bare)),
      p50Ms: m((r) => r.bare.p50),
      p99Ms: m((r) => r.bare.p99),
    },
    {
      run: 'dispositivo POST /envio',
      readingsPerS: m((r) => perS(r.single.load)),
      p50Ms: m((r) => r.single.load.p50),
      p99Ms: m((r) => r.single.load.p99),
      peakRssMb: m((r) => mb(r.single.rss)),
      verified: rounds.map((r) => r.single.verified).join('; '),
    },
    {
      run: `baseline: COPY, ${BATCH_CONNECTIONS} streams x ${BATCH_SIZE} rows`,
      readingsPerS: m((r) => r.copyPerS),
    },
    {
      run: `dispositivo POST /lecturas (${BATCH_SIZE}/batch)`,
      readingsPerS: m(batchPerS),
      p50Ms: m((r) => r.batch.load.p50),
      p99Ms: m((r) => r.batch.load.p99),
      peakRssMb: m((r) => mb(r.batch.rss)),
      verified: rounds.map((r) => r.batch.verified).join('; '),
    },
  ];
  const ratios = {
    singleVsBare: ratio(median(rounds.map((r) => perS(r.single.load) / perS(r.bare))), 1),
    batchVsCopy: ratio(median(rounds.map((r) => batchPerS(r) / r.copyPerS)), 1),
    perRound: rounds.map((r) => ({
      singleVsBare: ratio(perS(r.single.load), perS(r.bare)),
      batchVsCopy: ratio(batchPerS(r), r.copyPerS),
    })),
  };
  printTable(`HTTP ingestion (median of ${ctx.rounds} rounds, ${ctx.durationS} s per run)`, rows);
  process.stdout.write(
    `ratios (median): single/bare = ${ratios.singleVsBare} (target >= 0.35), batch/COPY = ${ratios.batchVsCopy} (target >= 0.6)\n`,
  );
  const errors = rounds.reduce((n, r) => n + r.single.load.errors + r.batch.load.errors, 0);
  const file = saveResult('http-ingestion', {
    durationS: ctx.durationS,
    rounds: ctx.rounds,
    rows,
    ratios,
    errors,
  });
  process.stdout.write(`written to ${file}\n`);
}

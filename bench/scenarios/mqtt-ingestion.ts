import { MQTT_BENCH_LOGIN } from '../lib/mqtt-bench-config';
import { commitLatency, publisher, startMqttStack } from '../lib/mqtt-stack';
import { copyBaseline } from '../lib/copy-baseline';
import { freePort, runNodeUntil } from '../lib/processes';
import { median, printTable, ratio, Row, saveResult } from '../lib/report';
import { startMosquitto } from '../../scripts/mosquitto';
import type { BenchContext } from '../lib/context';

const CREDENTIALS = MQTT_BENCH_LOGIN;

interface Run {
  readingsPerS: number;
  p50?: number;
  p99?: number;
  rssMb?: number;
  verified?: string;
}

/** Bare subscriber that only counts: the broker-and-client ceiling. */
async function baseline(count: number, per: number): Promise<Run> {
  const port = await freePort();
  const broker = await startMosquitto(port, CREDENTIALS);
  try {
    const url = `mqtt://127.0.0.1:${port}`;
    const counter = runNodeUntil(
      'bench/baselines/mqtt-counter.js',
      [url, CREDENTIALS.user, CREDENTIALS.password, String(count)],
      'subscribed',
    );
    await counter.output;
    const started = Date.now();
    const pub = publisher(url, count, per, 'base');
    await Promise.all([pub.output, counter.exited]);
    return { readingsPerS: count / ((Date.now() - started) / 1000) };
  } finally {
    await broker.dispose();
  }
}

async function project(ctx: BenchContext, count: number, per: number): Promise<Run> {
  const { url, db, app, dispose } = await startMqttStack(ctx);
  try {
    const started = Date.now();
    const pub = publisher(url, count, per, 'mq');
    const until = Date.now() + 300_000;
    let stored = 0;
    while (stored < count) {
      if (Date.now() > until) throw new Error(`only ${stored} of ${count} readings committed`);
      await new Promise((r) => setTimeout(r, 100));
      // the table, not the view (which joins the dictionaries and the compacted readings)
      stored = (
        await db.query<{ n: number }>('SELECT count(*)::int AS n FROM lectura_codificada')
      )[0].n;
    }
    const seconds = (Date.now() - started) / 1000;
    await pub.output;
    const lat = await commitLatency(db);
    await app.stop();
    return {
      readingsPerS: count / seconds,
      p50: Math.round(lat.p50),
      p99: Math.round(lat.p99),
      rssMb: Math.round(app.peakRss() / 1024 / 1024),
      verified: `${count} acked by broker = ${stored} rows`,
    };
  } finally {
    await dispose();
  }
}

const PAYLOADS = [
  { per: 1, count: 60_000 },
  { per: 100, count: 300_000 },
] as const;

interface Round {
  base: Run;
  /** COPY of the same rows; only for arrays, where the counter is no storage ceiling. */
  copyPerS?: number;
  run: Run;
}

/**
 * MQTT ingestion on Mosquitto from the shipped config: a publisher process
 * sends QoS 1 readings as fast as the broker takes them; dispositivo commits
 * them (PUBACK after commit). Baseline: a subscriber that only counts, run in
 * the same round; ratios are medians over rounds.
 */
export async function mqttIngestion(ctx: BenchContext): Promise<void> {
  const rows: Row[] = [];
  const ratios: Record<string, number | number[]> = {};
  for (const { per, count } of PAYLOADS) {
    const rounds: Round[] = [];
    for (let i = 0; i < ctx.rounds; i++) {
      const base = await baseline(count, per);
      const run = await project(ctx, count, per);
      // the counter never parses or stores a reading; COPY is what storing them can reach
      const copy = per > 1 ? await copyBaseline(ctx.serverUrl, ctx.durationS, 4, per) : undefined;
      rounds.push({ base, run, copyPerS: copy && copy.rows / copy.seconds });
    }
    const m = (f: (r: Round) => number): number => Math.round(median(rounds.map(f)));
    const perRound = rounds.map((r) => ratio(r.run.readingsPerS, r.base.readingsPerS));
    ratios[`perMessage${per}`] = ratio(median(perRound), 1);
    ratios[`perMessage${per}PerRound`] = perRound;
    rows.push({
      run: `baseline: counting subscriber, ${per}/message`,
      readingsPerS: m((r) => r.base.readingsPerS),
    });
    if (per > 1) {
      ratios[`perMessage${per}VsCopy`] = ratio(
        median(rounds.map((r) => r.run.readingsPerS / r.copyPerS!)),
        1,
      );
      rows.push({
        run: `baseline: COPY, 4 streams x ${per} rows`,
        readingsPerS: m((r) => r.copyPerS!),
      });
    }
    rows.push({
      run: `dispositivo MQTT, ${per}/message`,
      readingsPerS: m((r) => r.run.readingsPerS),
      p50Ms: m((r) => r.run.p50!),
      p99Ms: m((r) => r.run.p99!),
      peakRssMb: m((r) => r.run.rssMb!),
      verified: rounds.map((r) => r.run.verified).join('; '),
    });
  }
  printTable(
    `MQTT ingestion (QoS 1, Mosquitto 2 from deploy/mosquitto/mosquitto.conf; median of ${ctx.rounds} rounds)`,
    rows,
  );
  process.stdout.write(
    `ratios (median): 1/message = ${String(ratios.perMessage1)} (target >= 0.6; >= 15000 readings/s), ` +
      `100/message = ${String(ratios.perMessage100)} of the counter, ${String(ratios.perMessage100VsCopy)} of COPY\n`,
  );
  process.stdout.write(
    `written to ${saveResult('mqtt-ingestion', { rounds: ctx.rounds, rows, ratios })}\n`,
  );
}

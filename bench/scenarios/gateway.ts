import { BATCH_MAX_ITEMS } from '@iot/contracts';
import { freshDatabase } from '../lib/database';
import { httpLoad, LoadResult } from '../lib/load';
import { freePort, runNode, waitHttp } from '../lib/processes';
import { ReadingFactory } from '../lib/readings';
import { median, ratio, saveResult } from '../lib/report';
import { migrations as gatewayMigrations } from '../../apps/gateway/src/database/migrations';
import { openKeyStore } from '@iot/keys';
import type { BenchContext } from '../lib/context';
import { startDispositivo } from '../lib/dispositivo-runs';

interface Round {
  singleDirect: LoadResult;
  singleGateway: LoadResult;
  batchDirect: LoadResult;
  batchGateway: LoadResult;
  halfDirect: LoadResult;
  halfGateway: LoadResult;
  quarterDirect: LoadResult;
  quarterGateway: LoadResult;
  gatewayRssMb: number;
}

const perS = (l: LoadResult): number => (l.requests - l.non2xx) / l.durationS;

/** Gateway processes (GATEWAY_WORKERS); BENCH_GATEWAY_WORKERS=1 measures a single one. */
const WORKERS = Number(process.env.BENCH_GATEWAY_WORKERS ?? 1);

/**
 * `npm run bench gateway`: the same load sent straight to dispositivo and
 * through the gateway, in the same round, on the same dispositivo: single
 * POSTs (64 connections), 1000-reading batches (4 connections), and single
 * POSTs at half of the direct saturation rate for the added p99.
 */
export async function gatewayOverhead(ctx: BenchContext): Promise<void> {
  const rounds: Round[] = [];
  for (let r = 0; r < ctx.rounds; r++) {
    const db = await freshDatabase(ctx.serverUrl, false);
    const { child: dispositivo, url: direct } = await startDispositivo(ctx, db);
    // the gateway's key store, with one device key that sends everything through it
    const keysDb = await freshDatabase(ctx.serverUrl, [...gatewayMigrations]);
    const store = await openKeyStore(keysDb.url);
    const { key: deviceKey } = await store.keys.create({ role: 'dispositivo' });
    await store.close();
    const port = await freePort();
    const gatewayProcess = runNode('apps/gateway/src/main.js', {
      GATEWAY_PORT: String(port),
      GATEWAY_WORKERS: String(WORKERS),
      GATEWAY_SECRET: ctx.gatewaySecret,
      DATABASE_URL: keysDb.url,
      DISPOSITIVO_URL: direct,
      // one key sends everything here: measure the proxy, not the limiter
      RATE_LIMIT_PER_MINUTE: '10000000',
      RATE_LIMIT_BURST: '1000000',
    });
    const through = `http://127.0.0.1:${port}`;
    try {
      await waitHttp(`${through}/health`);
      const readings = new ReadingFactory(`gw${r}`);
      // dispositivo's service key straight, the device key through the gateway
      const keyFor = (url: string) => ({ 'x-api-key': url === direct ? ctx.apiKey : deviceKey });
      const single = (url: string, overallRate?: number) =>
        httpLoad({
          url,
          path: '/api/dispositivo/envio',
          connections: 64,
          durationS: ctx.durationS,
          headers: keyFor(url),
          overallRate,
          body: () => JSON.stringify(readings.next()),
        });
      const batch = (url: string) =>
        httpLoad({
          url,
          path: '/api/dispositivo/lecturas',
          connections: 4,
          durationS: ctx.durationS,
          headers: keyFor(url),
          body: () => readings.batchJson(BATCH_MAX_ITEMS),
        });
      const singleDirect = await single(direct);
      const singleGateway = await single(through);
      const batchDirect = await batch(direct);
      const batchGateway = await batch(through);
      const half = Math.round(perS(singleDirect) / 2);
      const halfDirect = await single(direct, half);
      const halfGateway = await single(through, half);
      // where neither side is saturated: the hop's own latency
      const quarter = Math.round(perS(singleDirect) / 4);
      const quarterDirect = await single(direct, quarter);
      const quarterGateway = await single(through, quarter);
      rounds.push({
        singleDirect,
        singleGateway,
        batchDirect,
        batchGateway,
        halfDirect,
        halfGateway,
        quarterDirect,
        quarterGateway,
        gatewayRssMb: Math.round(gatewayProcess.peakRss() / 1024 / 1024),
      });
      process.stdout.write(
        `round ${r + 1}/${ctx.rounds}: single ${Math.round(perS(singleGateway))}/${Math.round(perS(singleDirect))} req/s, ` +
          `batches ${Math.round(perS(batchGateway))}/${Math.round(perS(batchDirect))} req/s, ` +
          `p99 at ${half} req/s ${halfGateway.p99}/${halfDirect.p99} ms, ` +
          `at ${quarter} req/s ${quarterGateway.p99}/${quarterDirect.p99} ms (gateway/direct)\n`,
      );
    } finally {
      await gatewayProcess.stop();
      await dispositivo.stop();
      await db.drop();
      await keysDb.drop();
    }
  }
  const m = (f: (r: Round) => number): number => median(rounds.map(f));
  const result = {
    workers: WORKERS,
    rounds: rounds.length,
    durationS: ctx.durationS,
    singleDirectPerS: Math.round(m((r) => perS(r.singleDirect))),
    singleGatewayPerS: Math.round(m((r) => perS(r.singleGateway))),
    singleRatio: ratio(
      m((r) => perS(r.singleGateway) / perS(r.singleDirect)),
      1,
    ),
    batchDirectPerS: Math.round(m((r) => perS(r.batchDirect))),
    batchGatewayPerS: Math.round(m((r) => perS(r.batchGateway))),
    batchRatio: ratio(
      m((r) => perS(r.batchGateway) / perS(r.batchDirect)),
      1,
    ),
    halfRateP99DirectMs: m((r) => r.halfDirect.p99),
    halfRateP99GatewayMs: m((r) => r.halfGateway.p99),
    addedP99Ms: m((r) => r.halfGateway.p99 - r.halfDirect.p99),
    // served at half rate: below it, the gateway was saturated and the p99 is its queue
    halfRateGatewayPerS: Math.round(m((r) => perS(r.halfGateway))),
    quarterRateP99DirectMs: m((r) => r.quarterDirect.p99),
    quarterRateP99GatewayMs: m((r) => r.quarterGateway.p99),
    addedP99AtQuarterMs: m((r) => r.quarterGateway.p99 - r.quarterDirect.p99),
    gatewayPeakRssMb: Math.max(...rounds.map((r) => r.gatewayRssMb)),
    perRound: rounds.map((r) => ({
      single: ratio(perS(r.singleGateway), perS(r.singleDirect)),
      batch: ratio(perS(r.batchGateway), perS(r.batchDirect)),
      addedP99Ms: r.halfGateway.p99 - r.halfDirect.p99,
      addedP99AtQuarterMs: r.quarterGateway.p99 - r.quarterDirect.p99,
    })),
  };
  process.stdout.write(
    `\ngateway overhead, ${WORKERS} worker(s) (median of ${rounds.length} rounds, ${ctx.durationS} s per run)\n` +
      `single POSTs: ${result.singleGatewayPerS}/s through vs ${result.singleDirectPerS}/s direct = ${result.singleRatio} (target >= 0.5)\n` +
      `batches: ${result.batchGatewayPerS}/s through vs ${result.batchDirectPerS}/s direct = ${result.batchRatio} (target >= 0.7)\n` +
      `p99 at half the direct saturation rate: ${result.halfRateP99GatewayMs} vs ${result.halfRateP99DirectMs} ms, added ${result.addedP99Ms} ms (target < 5; the gateway served ${result.halfRateGatewayPerS}/s of it)\n` +
      `p99 at a quarter of it: ${result.quarterRateP99GatewayMs} vs ${result.quarterRateP99DirectMs} ms, added ${result.addedP99AtQuarterMs} ms\n`,
  );
  process.stdout.write(`written to ${saveResult('gateway', result)}\n`);
}

import { LOTE_MAX_ITEMS } from '@iot/contracts';
import { copyBaseline } from '../lib/copy-baseline';
import { BenchDatabase, freshDatabase } from '../lib/database';
import { httpLoad, LoadResult } from '../lib/load';
import { Child, freePort, runNode, waitHttp } from '../lib/processes';
import { scrapeEverySecond } from '../lib/scraper';
import { ReadingFactory } from '../lib/readings';
import { median, printTable, ratio, Row, saveResult } from '../lib/report';

export interface BenchContext {
  serverUrl: string;
  durationS: number;
  rounds: number;
  apiKey: string;
  gatewaySecret: string;
}

const SINGLE_CONNECTIONS = 64;
const BATCH_CONNECTIONS = 4;
const BATCH_SIZE = LOTE_MAX_ITEMS;

/**
 * dispositivo as a process on `db`, healthy. With `metrics` (as deployed) it
 * serves /metrics and a scraper reads it every second while it runs.
 */
export async function startDispositivo(
  ctx: BenchContext,
  db: { url: string },
  metrics = true,
): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const metricsPort = metrics ? await freePort() : undefined;
  const child = runNode('apps/dispositivo/src/main.js', {
    DISPOSITIVO_PORT: String(port),
    DATABASE_URL: db.url,
    API_KEYS: ctx.apiKey,
    GATEWAY_SECRET: ctx.gatewaySecret,
    ...(metricsPort ? { METRICS_PORT: String(metricsPort) } : {}),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/health`);
  if (!metricsPort) return { child, url };
  const scraper = scrapeEverySecond(`http://127.0.0.1:${metricsPort}/metrics`);
  return { child: { ...child, stop: () => scraper.stop().then(() => child.stop()) }, url };
}

/** Every acknowledged id must be a row; the scenario fails loudly otherwise. */
async function verify(db: BenchDatabase, ids: number[]): Promise<string> {
  const [{ n }] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM lectura WHERE id = ANY($1::bigint[])',
    [ids],
  );
  if (n !== ids.length || new Set(ids).size !== ids.length) {
    throw new Error(`verification failed: ${ids.length} acknowledged, ${n} found in the table`);
  }
  return `${ids.length} acked = ${n} rows`;
}

async function bareBaseline(ctx: BenchContext): Promise<LoadResult> {
  const port = await freePort();
  const child = runNode('bench/baselines/bare-http-server.js', { PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(url);
  const readings = new ReadingFactory('bare');
  try {
    return await httpLoad({
      url,
      path: '/api/dispositivo/envio',
      connections: SINGLE_CONNECTIONS,
      durationS: ctx.durationS,
      body: () => JSON.stringify(readings.next()),
      onResponse: (_status, body) => JSON.parse(body) as unknown,
    });
  } finally {
    await child.stop();
  }
}

export async function singlePosts(
  ctx: BenchContext,
  metrics = true,
): Promise<{ load: LoadResult; verified: string; rss: number; cpuS: number }> {
  const db = await freshDatabase(ctx.serverUrl, false);
  const { child, url } = await startDispositivo(ctx, db, metrics);
  const readings = new ReadingFactory('single');
  const ids: number[] = [];
  try {
    const cpu0 = child.cpuSeconds();
    const load = await httpLoad({
      url,
      path: '/api/dispositivo/envio',
      connections: SINGLE_CONNECTIONS,
      durationS: ctx.durationS,
      headers: { 'x-api-key': ctx.apiKey },
      body: () => JSON.stringify(readings.next()),
      onResponse: (status, body) => {
        if (status === 201) ids.push((JSON.parse(body) as { idDispositivo: number }).idDispositivo);
      },
    });
    const cpuS = child.cpuSeconds() - cpu0;
    await child.stop();
    return { load, verified: await verify(db, ids), rss: child.peakRss(), cpuS };
  } finally {
    await child.stop();
    await db.drop();
  }
}

export async function batches(
  ctx: BenchContext,
  metrics = true,
): Promise<{ load: LoadResult; stored: number; verified: string; rss: number; cpuS: number }> {
  const db = await freshDatabase(ctx.serverUrl, false);
  const { child, url } = await startDispositivo(ctx, db, metrics);
  const readings = new ReadingFactory('batch');
  const ids: number[] = [];
  try {
    const cpu0 = child.cpuSeconds();
    const load = await httpLoad({
      url,
      path: '/api/dispositivo/lecturas',
      connections: BATCH_CONNECTIONS,
      durationS: ctx.durationS,
      headers: { 'x-api-key': ctx.apiKey },
      body: () => readings.batchJson(BATCH_SIZE),
      onResponse: (status, body) => {
        if (status !== 200) return;
        for (const item of (
          JSON.parse(body) as { items: { estado: string; idDispositivo: number }[] }
        ).items) {
          if (item.estado === 'stored') ids.push(item.idDispositivo);
        }
      },
    });
    const cpuS = child.cpuSeconds() - cpu0;
    await child.stop();
    return {
      load,
      stored: ids.length,
      verified: await verify(db, ids),
      rss: child.peakRss(),
      cpuS,
    };
  } finally {
    await child.stop();
    await db.drop();
  }
}

export const perS = (load: LoadResult): number => (load.requests - load.non2xx) / load.durationS;
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

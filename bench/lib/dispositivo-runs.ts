/**
 * dispositivo under load, as the scenarios share it: started as deployed,
 * single POSTs and batches measured against their baselines, every
 * acknowledged reading verified in the table afterwards.
 */
import type { BenchContext } from './context';
import { BATCH_MAX_ITEMS } from '@iot/contracts';
import { BenchDatabase, freshDatabase } from './database';
import { httpLoad, LoadResult } from './load';
import { Child, freePort, runNode, waitHttp } from './processes';
import { scrapeEverySecond } from './scraper';
import { ReadingFactory } from './readings';

const SINGLE_CONNECTIONS = 64;
export const BATCH_CONNECTIONS = 4;
export const BATCH_SIZE = BATCH_MAX_ITEMS;

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
  if (ids.length === 0) throw new Error('verification failed: nothing acknowledged');
  // the store has no B-tree on id (its BRIN reads block ranges): bound the range, then
  // match the ids in a hash, not one lookup per id
  const [{ n }] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM lectura_codificada l
     JOIN (SELECT DISTINCT unnest($1::bigint[]) AS id) a USING (id)
     WHERE l.id BETWEEN $2 AND $3`,
    [ids, ids.reduce((a, b) => Math.min(a, b), Infinity), ids.reduce((a, b) => Math.max(a, b), 0)],
  );
  if (n !== ids.length || new Set(ids).size !== ids.length) {
    throw new Error(`verification failed: ${ids.length} acknowledged, ${n} found in the table`);
  }
  return `${ids.length} acked = ${n} rows`;
}

export async function bareBaseline(ctx: BenchContext): Promise<LoadResult> {
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

/**
 * Batches of BATCH_SIZE readings for durationS. `en`: on that database (kept,
 * as the scale bench fills it), with serials from `prefijo`; else a fresh one.
 */
export async function batches(
  ctx: BenchContext,
  metrics = true,
  en?: { db: BenchDatabase; prefijo: string },
): Promise<{ load: LoadResult; stored: number; verified: string; rss: number; cpuS: number }> {
  const db = en?.db ?? (await freshDatabase(ctx.serverUrl, false));
  const { child, url } = await startDispositivo(ctx, db, metrics);
  const readings = new ReadingFactory(en?.prefijo ?? 'batch');
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
    if (!en) await db.drop();
  }
}

export const perS = (load: LoadResult): number => (load.requests - load.non2xx) / load.durationS;

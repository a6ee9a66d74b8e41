import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { migrations as facturacionMigrations } from '../../apps/facturacion/src/database/migrations';
import {
  crearTablaVariableSql,
  tablaVariable,
} from '../../apps/facturacion/src/variables/tabla-variable';
import { BenchDatabase, freshDatabase } from '../lib/database';
import { freePort, runNode, waitHttp } from '../lib/processes';
import { median, ratio, saveResult } from '../lib/report';
import type { BenchContext } from '../lib/context';
import { startDispositivo } from '../lib/dispositivo-runs';

const TOTAL = Number(process.env.BENCH_FACTURACION_ROWS ?? 1_000_000);
const BILLED = ['voltaje', 'corriente'];
const DEVICES = 100;
const QUERIES = 300;

/**
 * TOTAL readings in dispositivo's table: DEVICES devices x 3 variables, one
 * reading per device and variable every ~13 min over January 2026, written in
 * 10 transactions (so the export crosses transaction ids).
 */
async function loadReadings(db: BenchDatabase): Promise<void> {
  const chunk = Math.ceil(TOTAL / 10);
  for (let from = 0; from < TOTAL; from += chunk) {
    await db.query(
      `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
       SELECT 'D' || lpad((i % ${DEVICES})::text, 3, '0'),
              (ARRAY['voltaje','corriente','temperatura'])[1 + (i / ${DEVICES}) % 3],
              timestamptz '2026-01-01' + (i / ${DEVICES * 3}) * interval '${Math.floor((31 * 86400 * DEVICES * 3) / TOTAL)} seconds',
              220 + (i % 97) / 10.0
       FROM generate_series($1::int, $2::int) i`,
      [from, Math.min(TOTAL, from + chunk) - 1],
    );
  }
  await db.query('ANALYZE lectura');
}

/** The ceiling: COPY out of dispositivo piped into COPY in, same rows, same target tables. */
async function copyToCopy(source: BenchDatabase, serverUrl: string): Promise<number> {
  const target = await freshDatabase(serverUrl, facturacionMigrations);
  const from = new Client({ connectionString: source.url });
  const to = new Client({ connectionString: target.url });
  await from.connect();
  await to.connect();
  try {
    for (const v of BILLED) for (const sql of crearTablaVariableSql(v)) await to.query(sql);
    const started = Date.now();
    for (const v of BILLED) {
      await pipeline(
        from.query(
          copyTo(
            `COPY (SELECT id, numero_serie, estampa_tiempo, valor_variable FROM lectura
                   WHERE nombre_variable = '${v}' ORDER BY xid, id) TO STDOUT`,
          ),
        ),
        to.query(
          copyFrom(
            `COPY ${tablaVariable(v)} (id_dispositivo, numero_serie, estampa_tiempo, valor_variable) FROM STDIN`,
          ),
        ),
      );
    }
    return (Date.now() - started) / 1000;
  } finally {
    await from.end();
    await to.end();
    await target.drop();
  }
}

interface SincronizacionRound {
  seconds: number;
  rows: number;
  rssMb: number;
  pageP99: number;
  pageAllP99: number;
  summaryP99: number;
}

const p99 = (xs: number[]): number =>
  Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] * 10) / 10;

async function timed(url: string, apiKey: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { 'x-api-key': apiKey } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
}

/** facturacion from an empty cursor to caught up, then the staff queries on its tables. */
async function syncRound(
  ctx: BenchContext,
  dispositivoUrl: string,
  source: BenchDatabase,
): Promise<SincronizacionRound> {
  const db = await freshDatabase(ctx.serverUrl, false);
  const port = await freePort();
  const child = runNode('apps/facturacion/src/main.js', {
    FACTURACION_PORT: String(port),
    DATABASE_URL: db.url,
    API_KEYS: ctx.apiKey,
    DISPOSITIVO_URL: dispositivoUrl,
    DISPOSITIVO_API_KEY: ctx.apiKey,
    SYNC_CRON: 'off',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHttp(`${url}/health`);
    const headers = { 'x-api-key': ctx.apiKey };
    const started = (await (
      await fetch(`${url}/api/facturacion/sincronizaciones`, { method: 'POST', headers })
    ).json()) as { id: number };
    let run: { estado: string; iniciadaEn: string; terminadaEn: string; error: string | null };
    for (;;) {
      run = (await (
        await fetch(`${url}/api/facturacion/sincronizaciones/${started.id}`, { headers })
      ).json()) as typeof run;
      if (run.estado !== 'en_curso') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (run.estado !== 'completada') throw new Error(`sync run ${run.estado}: ${run.error}`);
    const seconds = (Date.parse(run.terminadaEn) - Date.parse(run.iniciadaEn)) / 1000;
    const rows = await verify(source, db);
    const rssMb = Math.round(child.peakRss() / 1024 / 1024);

    const device = (i: number) => `D${String((i * 37) % DEVICES).padStart(3, '0')}`;
    const day = (i: number) => `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`;
    const base = `${url}/api/facturacion/variables/voltaje`;
    const page: number[] = [];
    const pageAll: number[] = [];
    const summary: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      page.push(await timed(`${base}/lecturas?numeroSerie=${device(i)}&limite=1000`, ctx.apiKey));
      pageAll.push(await timed(`${base}/lecturas?desde=${day(i)}&limite=1000`, ctx.apiKey));
      summary.push(
        await timed(
          `${base}/resumen?intervalo=dia&zona=America/Bogota&numeroSerie=${device(i)}` +
            `&desde=2026-01-01T05:00:00Z&hasta=2026-02-01T05:00:00Z`,
          ctx.apiKey,
        ),
      );
    }
    return {
      seconds,
      rows,
      rssMb,
      pageP99: p99(page),
      pageAllP99: p99(pageAll),
      summaryP99: p99(summary),
    };
  } finally {
    await child.stop();
    await db.drop();
  }
}

/** Every billed reading arrived once: counts and id sums per variable match the source. */
async function verify(source: BenchDatabase, target: BenchDatabase): Promise<number> {
  let total = 0;
  for (const v of BILLED) {
    const [want] = await source.query<{ n: string; s: string }>(
      `SELECT count(*) AS n, sum(id) AS s FROM lectura WHERE nombre_variable = $1`,
      [v],
    );
    const [got] = await target.query<{ n: string; s: string }>(
      `SELECT count(*) AS n, count(DISTINCT id_dispositivo) AS d, sum(id_dispositivo) AS s
       FROM ${tablaVariable(v)}`,
    );
    if (want.n !== got.n || want.s !== got.s) {
      throw new Error(`${v}: source ${JSON.stringify(want)}, facturacion ${JSON.stringify(got)}`);
    }
    total += Number(got.n);
  }
  return total;
}

/** `npm run bench facturacion`: the pull of TOTAL readings against COPY-to-COPY, per round. */
export async function facturacionSync(ctx: BenchContext): Promise<void> {
  const source = await freshDatabase(ctx.serverUrl, true);
  process.stdout.write(`loading ${TOTAL} readings into dispositivo…\n`);
  await loadReadings(source);
  const { child: dispositivo, url: dispositivoUrl } = await startDispositivo(ctx, source);
  const rounds: Array<{ copyS: number; sync: SincronizacionRound }> = [];
  try {
    const n = Math.min(ctx.rounds, 3);
    for (let r = 0; r < n; r++) {
      const copyS = await copyToCopy(source, ctx.serverUrl);
      const sync = await syncRound(ctx, dispositivoUrl, source);
      rounds.push({ copyS, sync });
      process.stdout.write(
        `round ${r + 1}/${n}: COPY-to-COPY ${copyS.toFixed(2)} s, sync ${sync.seconds.toFixed(2)} s ` +
          `(${sync.rows} rows, ratio ${ratio(copyS, sync.seconds)}), peak RSS ${sync.rssMb} MB, ` +
          `p99 page ${sync.pageP99} ms / all-device page ${sync.pageAllP99} ms / month summary ${sync.summaryP99} ms\n`,
      );
    }
  } finally {
    await dispositivo.stop();
    await source.drop();
  }
  const m = (f: (r: (typeof rounds)[number]) => number): number => median(rounds.map(f));
  const result = {
    readings: TOTAL,
    billedRows: rounds[0].sync.rows,
    rounds: rounds.length,
    copyToCopyS: m((r) => r.copyS),
    syncS: m((r) => r.sync.seconds),
    ratio: ratio(
      m((r) => r.copyS / r.sync.seconds),
      1,
    ),
    peakRssMb: Math.max(...rounds.map((r) => r.sync.rssMb)),
    p99PageMs: m((r) => r.sync.pageP99),
    p99AllDevicePageMs: m((r) => r.sync.pageAllP99),
    p99MonthSummaryMs: m((r) => r.sync.summaryP99),
    perRound: rounds,
  };
  process.stdout.write(
    `\nfacturacion sync of ${TOTAL} readings (${result.billedRows} billed), median of ${rounds.length} rounds\n` +
      `| run | seconds | rows/s |\n|---|---:|---:|\n` +
      `| baseline: COPY TO STDOUT piped into COPY FROM STDIN | ${result.copyToCopyS.toFixed(2)} | ${Math.round(result.billedRows / result.copyToCopyS)} |\n` +
      `| facturacion pull (HTTP NDJSON stream, batches + cursor per transaction) | ${result.syncS.toFixed(2)} | ${Math.round(result.billedRows / result.syncS)} |\n` +
      `ratio (baseline time / sync time) = ${result.ratio} (target >= 0.5); peak RSS ${result.peakRssMb} MB (target < 256)\n` +
      `p99: 1,000-row page of one device ${result.p99PageMs} ms, of all devices ${result.p99AllDevicePageMs} ms (target < 50); ` +
      `one device's daily summary over a month ${result.p99MonthSummaryMs} ms (target < 100)\n`,
  );
  process.stdout.write(`written to ${saveResult('facturacion-sync', result)}\n`);
}

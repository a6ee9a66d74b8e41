import { quoteIdentifier } from '@iot/database';
import { Client } from 'pg';
import { AppProcess, spawnApp } from './app-process';
import { createTestDatabase, TestDatabase } from './database';
import { TEST_API_KEY } from './dispositivo';
import { http } from './http';
import { waitFor } from './wait';

/** dispositivo and facturacion as processes, each on a fresh database, with plain pg clients. */
export interface Suite {
  dispositivoDb: TestDatabase;
  facturacionDb: TestDatabase;
  dispositivo: AppProcess;
  facturacion: AppProcess;
  /** On dispositivo's database. */
  origen: Client;
  /** On facturacion's database. */
  destino: Client;
  /** Another facturacion on the same database (and dispositivo). */
  startFacturacion(env?: Record<string, string>, port?: number): Promise<AppProcess>;
  startDispositivo(port?: number): Promise<AppProcess>;
}

/** facturacion's settings for a test: no schedule unless asked, short timeouts and retries. */
export function facturacionEnv(suite: Suite, env: Record<string, string> = {}) {
  return {
    DATABASE_URL: suite.facturacionDb.url,
    DISPOSITIVO_URL: suite.dispositivo.url,
    DISPOSITIVO_API_KEY: TEST_API_KEY,
    SYNC_CRON: 'off',
    FACTURAS_CRON: 'off',
    SYNC_TIMEOUT_MS: '3000',
    SYNC_RETRIES: '2',
    SYNC_RETRY_DELAY_MS: '100',
    ...env,
  };
}

export function useSuite(env: Record<string, string> = {}): Suite {
  const suite = {} as Suite;
  const spawned: AppProcess[] = [];
  beforeAll(async () => {
    suite.dispositivoDb = await createTestDatabase();
    suite.facturacionDb = await createTestDatabase();
    suite.startDispositivo = async (port) => {
      const p = await spawnApp('dispositivo', { DATABASE_URL: suite.dispositivoDb.url }, port);
      spawned.push(p);
      return p;
    };
    suite.startFacturacion = async (extra = {}, port) => {
      const p = await spawnApp('facturacion', facturacionEnv(suite, { ...env, ...extra }), port);
      spawned.push(p);
      return p;
    };
    suite.dispositivo = await suite.startDispositivo();
    suite.facturacion = await suite.startFacturacion();
    suite.origen = new Client({ connectionString: suite.dispositivoDb.url });
    suite.destino = new Client({ connectionString: suite.facturacionDb.url });
    await suite.origen.connect();
    await suite.destino.connect();
  });
  afterAll(async () => {
    await Promise.all(spawned.map((p) => p.kill('SIGTERM')));
    await suite.origen?.end();
    await suite.destino?.end();
    await suite.dispositivoDb?.drop();
    await suite.facturacionDb?.drop();
  });
  return suite;
}

/** Starts a run on `facturacion` and waits for its end; returns the run. */
export async function sync(facturacion: AppProcess, timeoutMs = 60_000): Promise<any> {
  const started = await http(facturacion.url, 'POST', '/api/facturacion/sincronizaciones');
  if (started.status !== 202)
    throw new Error(`sync did not start: ${JSON.stringify(started.body)}`);
  return waitRun(facturacion, started.body.id, timeoutMs);
}

/**
 * Runs until every variable is caught up (pendientes 0). One run may stop
 * short of the newest readings: the export's horizon waits for every writing
 * transaction on the PostgreSQL server (other test files' too) to finish.
 * Returns the runs and the rows each variable got over all of them.
 */
export async function syncUntilCaughtUp(facturacion: AppProcess, timeoutMs = 60_000) {
  const runs: any[] = [];
  const filas: Record<string, number> = {};
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await sync(facturacion, timeoutMs);
    runs.push(run);
    if (run.estado !== 'completada') throw new Error(`sync run failed: ${JSON.stringify(run)}`);
    for (const [v, r] of Object.entries<any>(run.variables)) filas[v] = (filas[v] ?? 0) + r.filas;
    if (Object.values<any>(run.variables).every((r) => r.pendientes === 0)) return { runs, filas };
    if (Date.now() > until) throw new Error(`not caught up: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function waitRun(facturacion: AppProcess, id: number, timeoutMs = 60_000) {
  let run: any;
  await waitFor(
    async () => {
      run = (await http(facturacion.url, 'GET', `/api/facturacion/sincronizaciones/${id}`)).body;
      return run?.estado !== undefined && run.estado !== 'en_curso';
    },
    timeoutMs,
    `sync run ${id} to finish`,
  );
  return run;
}

/** Readings over dispositivo's HTTP API, in batches of 1000. */
export async function ingest(dispositivoUrl: string, readings: object[]): Promise<void> {
  for (let i = 0; i < readings.length; i += 1000) {
    const res = await http(
      dispositivoUrl,
      'POST',
      '/api/dispositivo/lecturas',
      readings.slice(i, i + 1000),
    );
    if (res.status !== 200)
      throw new Error(`ingest failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/**
 * Many readings straight into dispositivo's table (a test's fixture, not the
 * API): `n` per variable, serials S0..S9, one per second from `from`.
 */
export async function bulkLoad(
  origen: Client,
  variables: string[],
  n: number,
  from = '2026-01-01T00:00:00Z',
) {
  await origen.query(
    `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
     SELECT 'S' || (i % 10), v, $3::timestamptz + i * interval '1 second', (i % 1000) / 10.0
     FROM unnest($1::text[]) v, generate_series(1, $2) i`,
    [variables, n, from],
  );
}

/** Source ids of a variable in dispositivo, sorted. */
export async function idsOrigen(origen: Client, variable: string): Promise<number[]> {
  const { rows } = await origen.query(
    `SELECT id FROM lectura WHERE nombre_variable = $1 ORDER BY id`,
    [variable],
  );
  return rows.map((r) => Number(r.id));
}

/** Ids in facturacion's table for the variable (with duplicates, if any), sorted. */
export async function idsFacturados(destino: Client, variable: string): Promise<number[]> {
  const { rows } = await destino.query(
    `SELECT id_dispositivo FROM variables.${quoteIdentifier(variable)} ORDER BY id_dispositivo`,
  );
  return rows.map((r) => Number(r.id_dispositivo));
}

/** The per-variable table holds exactly dispositivo's readings of it; on a mismatch, says what differs. */
export async function expectExact(suite: Suite, variable: string): Promise<void> {
  const source = await idsOrigen(suite.origen, variable);
  const billed = await idsFacturados(suite.destino, variable);
  if (JSON.stringify(source) === JSON.stringify(billed)) return;
  const have = new Set(billed);
  const missing = source.filter((id) => !have.has(id));
  const extra = billed.filter((id) => !source.includes(id));
  const xids = await suite.origen.query(
    `SELECT id, xid::text FROM lectura WHERE id = ANY($1) ORDER BY id LIMIT 20`,
    [missing],
  );
  const state = await suite.destino.query(`SELECT * FROM variable_facturada`);
  const runs = await suite.destino.query(`SELECT * FROM sincronizacion ORDER BY id`);
  throw new Error(
    `${variable}: ${missing.length} missing (${missing.slice(0, 20).join(',')}), ${extra.length} extra\n` +
      `missing rows: ${JSON.stringify(xids.rows)}\ncursors: ${JSON.stringify(state.rows)}\n` +
      `runs: ${JSON.stringify(runs.rows)}`,
  );
}

import { TEST_API_KEY } from '../support/dispositivo';
import {
  bulkLoad,
  expectExact,
  sync,
  syncUntilCaughtUp,
  useSuite,
  waitRun,
} from '../support/facturacion';
import { http } from '../support/http';
import { startTcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

/** Rows facturacion has stored for a variable so far (0 before its table exists). */
async function filas(suite: ReturnType<typeof useSuite>, variable: string): Promise<number> {
  const { rows } = await suite.destino.query(
    `SELECT filas::int AS n FROM variable_facturada WHERE nombre = $1`,
    [variable],
  );
  return rows[0]?.n ?? 0;
}

describe('facturacion pull: failures', () => {
  // the energy job only when a test asks for it
  const suite = useSuite({ SYNC_BATCH_ROWS: '1000', ENERGIA_CRON: 'off' });

  /** Another facturacion whose database connections go through a TCP proxy the test can freeze. */
  async function behindDatabaseProxy(env: Record<string, string>) {
    const pg = new URL(suite.facturacionDb.url);
    const proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    const app = await suite.startFacturacion({
      DATABASE_URL: proxy.via(suite.facturacionDb.url),
      ...env,
    });
    return { proxy, app };
  }

  it('resumes after kill -9 mid-sync with no gap and no duplicate', async () => {
    await bulkLoad(suite.origen, ['voltaje', 'corriente', 'temperatura'], 150_000);
    const started = await http(suite.facturacion.url, 'POST', '/api/facturacion/sincronizaciones');
    expect(started.status).toBe(202);
    await waitFor(async () => (await filas(suite, 'voltaje')) >= 10_000, 30_000, 'a partial sync');
    await suite.facturacion.kill('SIGKILL');
    const partial = await filas(suite, 'voltaje');
    expect(partial).toBeLessThan(150_000);
    // the table matches its counter: the last batch is all there or not at all
    const { rows } = await suite.destino.query(`SELECT count(*)::int AS n FROM variables.voltaje`);
    expect(rows[0].n).toBe(partial);

    suite.facturacion = await suite.startFacturacion();
    const { filas: copied } = await syncUntilCaughtUp(suite.facturacion);
    expect(copied.voltaje).toBe(150_000 - partial);
    await expectExact(suite, 'voltaje');
    await expectExact(suite, 'corriente');
    const killed = await http(
      suite.facturacion.url,
      'GET',
      `/api/facturacion/sincronizaciones/${started.body.id}`,
    );
    expect(killed.body.estado).toBe('interrumpida');
  });

  it('ends a run between two requests on SIGTERM, recorded as interrupted', async () => {
    await bulkLoad(suite.origen, ['voltaje', 'corriente'], 100_000, '2026-05-01T00:00:00Z');
    const stopping = await suite.startFacturacion({ SYNC_REQUEST_ROWS: '5000' });
    const before = await filas(suite, 'voltaje');
    const started = await http(stopping.url, 'POST', '/api/facturacion/sincronizaciones');
    await waitFor(async () => (await filas(suite, 'voltaje')) > before, 30_000, 'progress');
    const t0 = Date.now();
    await stopping.kill('SIGTERM');
    // Nest re-raises the signal once its shutdown hooks are done
    expect([stopping.child.exitCode, stopping.child.signalCode]).toEqual([null, 'SIGTERM']);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const run = await http(
      suite.facturacion.url,
      'GET',
      `/api/facturacion/sincronizaciones/${started.body.id}`,
    );
    expect(run.body).toMatchObject({ estado: 'interrumpida' });
    expect(run.body.error).toContain('shutting down');
    await syncUntilCaughtUp(suite.facturacion);
    await expectExact(suite, 'voltaje');
    await expectExact(suite, 'corriente');
  });

  it('fails a run cleanly when dispositivo dies mid-stream; the next one completes', async () => {
    await bulkLoad(suite.origen, ['voltaje', 'corriente'], 150_000, '2026-02-01T00:00:00Z');
    const before = await filas(suite, 'voltaje');
    const started = await http(suite.facturacion.url, 'POST', '/api/facturacion/sincronizaciones');
    await waitFor(
      async () => (await filas(suite, 'voltaje')) >= before + 5_000,
      30_000,
      'progress',
    );
    await suite.dispositivo.kill('SIGKILL');
    const failed = await waitRun(suite.facturacion, started.body.id);
    expect(failed.estado).toBe('fallida');
    // both variables are pulled at once (SYNC_PARALLEL=2): either may be the one named
    expect(failed.error).toMatch(/^(voltaje|corriente): dispositivo at http/);
    expect(failed.variables.voltaje.filas + failed.variables.corriente.filas).toBeGreaterThan(0);
    // up and serving, the pull marked degraded with the reason
    const health = await http(suite.facturacion.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.components.sincronizacion).toMatchObject({
      dispositivo: 'degradado',
      fallosSeguidos: 1,
    });
    expect(health.body.components.sincronizacion.ultimoError).toContain('dispositivo');
    const variables = await http(suite.facturacion.url, 'GET', '/api/facturacion/variables');
    expect(variables.status).toBe(200);

    suite.dispositivo = await suite.startDispositivo(suite.dispositivo.port);
    await syncUntilCaughtUp(suite.facturacion);
    await expectExact(suite, 'voltaje');
    await expectExact(suite, 'corriente');
    const healthy = await http(suite.facturacion.url, 'GET', '/health');
    expect(healthy.body.components.sincronizacion).toMatchObject({ dispositivo: 'ok' });
  });

  it('times out a silent dispositivo, retries with backoff, then recovers', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: suite.dispositivo.port });
    const viaProxy = await suite.startFacturacion({
      DISPOSITIVO_URL: `http://127.0.0.1:${proxy.port}`,
      SYNC_TIMEOUT_MS: '300',
      SYNC_RETRIES: '2',
      SYNC_RETRY_DELAY_MS: '200',
      SYNC_PARALLEL: '1',
      LOG_LEVEL: 'warn',
    });
    await bulkLoad(suite.origen, ['voltaje'], 10, '2026-03-01T00:00:00Z');
    proxy.freeze();
    const t0 = Date.now();
    const run = await sync(viaProxy);
    expect(run.estado).toBe('fallida');
    expect(run.error).toContain('did not answer within 300 ms');
    // three attempts: 300 ms each, 200 + 400 ms between them
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 300 + 600);
    expect(viaProxy.output()).toContain('dispositivo export failed; retrying');
    proxy.thaw();
    await syncUntilCaughtUp(viaProxy);
    await expectExact(suite, 'voltaje');
    await viaProxy.kill('SIGTERM');
    await proxy.close();
  });

  it('keeps the stream paused while its database stalls, then completes exactly', async () => {
    const { proxy, app: slowDb } = await behindDatabaseProxy({ SYNC_TIMEOUT_MS: '500' });
    await bulkLoad(suite.origen, ['voltaje', 'corriente'], 60_000, '2026-04-01T00:00:00Z');
    const before = await filas(suite, 'voltaje');
    const started = await http(slowDb.url, 'POST', '/api/facturacion/sincronizaciones');
    await waitFor(async () => (await filas(suite, 'voltaje')) > before, 30_000, 'progress');
    proxy.freeze(); // longer than SYNC_TIMEOUT_MS: a paused stream must not time out
    await new Promise((r) => setTimeout(r, 2000));
    proxy.thaw();
    const run = await waitRun(slowDb, started.body.id);
    expect(run).toMatchObject({ estado: 'completada', error: null });
    await syncUntilCaughtUp(slowDb);
    await expectExact(suite, 'voltaje');
    await expectExact(suite, 'corriente');
    await slowDb.kill('SIGTERM');
    await proxy.close();
  });

  it('answers 503, not 500, while its database is frozen, then recovers', async () => {
    const { proxy, app: frozen } = await behindDatabaseProxy({
      DATABASE_QUERY_TIMEOUT_MS: '500',
      DATABASE_CONNECT_TIMEOUT_MS: '500',
    });
    proxy.freeze();
    const t0 = Date.now();
    const during = await http(frozen.url, 'GET', '/api/facturacion/variables');
    expect(during.status).toBe(503);
    expect(during.body.message).toContain('database is unavailable');
    expect(Date.now() - t0).toBeLessThan(5000);
    proxy.thaw();
    await waitFor(
      async () => (await http(frozen.url, 'GET', '/api/facturacion/variables')).status === 200,
      20_000,
      'recovery',
    );
    await frozen.kill('SIGTERM');
    await proxy.close();
  });

  it('loses nothing when its database freezes mid energy job: the marks stay, the next run gives what a clean run gives', async () => {
    const { proxy, app: frozen } = await behindDatabaseProxy({
      DATABASE_QUERY_TIMEOUT_MS: '500',
      DATABASE_CONNECT_TIMEOUT_MS: '500',
      ENERGIA_CRON: 'off',
    });
    try {
      await bulkLoad(suite.origen, ['voltaje', 'corriente'], 200_000, '2026-07-01T00:00:00Z');
      await syncUntilCaughtUp(suite.facturacion);
      const calcular = (app: { url: string }) =>
        http(app.url, 'POST', '/api/facturacion/energia/calculos');
      const intervalos = async () =>
        (
          await suite.destino.query(
            `SELECT numero_serie, inicio, energia::text, unidad, fuente, cobertura::text, calidad
             FROM energia_intervalo ORDER BY numero_serie, inicio`,
          )
        ).rows;
      // frozen at different points of a job: reads, integration, the COPY of a first computation,
      // the transaction of a recomputation
      for (const ms of [10, 60, 150, 300]) {
        const job = calcular(frozen);
        await new Promise((r) => setTimeout(r, ms));
        proxy.freeze();
        const res = await job;
        expect([200, 503]).toContain(res.status);
        proxy.thaw();
        // some devices may be done: re-mark one that is, so later runs also recompute
        await suite.destino.query(
          `INSERT INTO energia_pendiente (numero_serie, dia)
           SELECT numero_serie, (inicio AT TIME ZONE 'UTC')::date FROM energia_intervalo LIMIT 1`,
        );
      }
      await waitFor(
        async () => {
          const r = await calcular(frozen);
          const { rows } = await suite.destino.query(
            `SELECT count(*)::int AS n FROM energia_pendiente`,
          );
          return r.status === 200 && rows[0].n === 0;
        },
        30_000,
        'a clean run',
      );
      const trasCongelar = await intervalos();
      expect(trasCongelar.length).toBeGreaterThan(0);
      // the same readings from scratch, by the app that never froze
      await suite.destino.query(`TRUNCATE energia_intervalo`);
      await suite.destino.query(
        `INSERT INTO energia_pendiente (numero_serie, dia)
         SELECT DISTINCT numero_serie, (estampa_tiempo AT TIME ZONE 'UTC')::date FROM variables.voltaje`,
      );
      expect((await calcular(suite.facturacion)).status).toBe(200);
      expect(trasCongelar).toEqual(await intervalos());
    } finally {
      proxy.thaw();
      await frozen.kill('SIGTERM');
      await proxy.close();
    }
  });

  it('does not retry a refused API key and says which setting to check', async () => {
    const wrongKey = await suite.startFacturacion({
      DISPOSITIVO_API_KEY: `${TEST_API_KEY}-wrong`,
      SYNC_RETRY_DELAY_MS: '5000',
    });
    const t0 = Date.now();
    const run = await sync(wrongKey);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(run.estado).toBe('fallida');
    expect(run.error).toContain('401');
    expect(run.error).toContain('DISPOSITIVO_API_KEY');
    await wrongKey.kill('SIGTERM');
  });
});

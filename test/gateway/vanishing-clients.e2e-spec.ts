import autocannon from 'autocannon';
import { Client } from 'pg';
import { AppProcess, spawnApp } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_API_KEY } from '../support/dispositivo';

/**
 * Clients that vanish mid-response. Its own processes: a gateway that had
 * served a whole 117 MB stream and then these took 68 s to exit on SIGTERM
 * (each alone: under 20 ms), an open finding (README, Gateway).
 */
describe('gateway with vanishing clients', () => {
  let db: TestDatabase;
  let dispositivo: AppProcess;
  let gateway: AppProcess;
  beforeAll(async () => {
    db = await createTestDatabase();
    dispositivo = await spawnApp('dispositivo', { DATABASE_URL: db.url });
    gateway = await spawnApp('gateway', { DISPOSITIVO_URL: dispositivo.url });
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query(
      `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
       SELECT 'STREAM-' || lpad((i % 1000)::text, 4, '0'), 'voltaje',
              timestamptz '2026-01-01' + i * interval '1 second', 220 + (i % 97) / 10.0
       FROM generate_series(1, 850000) i`,
    );
    await pg.end();
  });
  afterAll(async () => {
    await Promise.all([dispositivo, gateway].map((p) => p?.kill('SIGTERM')));
    await db.drop();
  });

  it('takes clients that go away mid-response calmly: no error logged, still serving', async () => {
    const abort = new AbortController();
    const res = await fetch(`${gateway.url}/api/dispositivo/solicitud`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ nombreVariable: 'voltaje', findUltimoIdDispositivo: null }),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.cancel().catch(() => undefined);
    // and a load generator that stops with requests in flight (as autocannon does)
    await autocannon({
      url: `${gateway.url}/api/dispositivo/envio`,
      method: 'POST',
      connections: 64,
      duration: 1,
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        nombreVariable: 'voltaje',
        numeroSerie: 'ABORT',
        estampaTiempo: 1767225600000,
        valorVariable: 1,
      }),
    });
    await new Promise((r) => setTimeout(r, 500));
    // LOG_LEVEL=error: any line is an error or worse
    expect(gateway.output().trim()).toBe('');
    const health = await fetch(`${gateway.url}/health`);
    expect(health.status).toBe(200);
  });
});

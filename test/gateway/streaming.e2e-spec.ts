import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { AppProcess, spawnApp } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_API_KEY } from '../support/dispositivo';

const rssMb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** A 100 MB response crosses the gateway as a stream: its memory does not grow with it. */
describe('gateway streaming', () => {
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

  it('streams a 100 MB JSON array through with flat gateway memory', async () => {
    const before = rssMb(gateway.child.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(gateway.child.pid!))), 50);
    const res = await fetch(`${gateway.url}/api/dispositivo/solicitud`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ nombreVariable: 'voltaje', findUltimoIdDispositivo: null }),
    });
    expect(res.status).toBe(200);
    let bytes = 0;
    let last = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      last = Buffer.from(chunk).toString().slice(-1) || last;
    }
    clearInterval(sampler);
    expect(bytes).toBeGreaterThan(100 * 1024 * 1024);
    expect(last).toBe(']'); // the whole array arrived
    expect(peak - before).toBeLessThan(64);
  });
});

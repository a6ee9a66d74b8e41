import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { RunningApp, startDispositivo } from '../support/dispositivo';
import { http } from '../support/http';

/** PostgreSQL refusing connections: 503, nothing stored, and recovery without a restart. */
describe('database outage', () => {
  let db: TestDatabase;
  let svc: RunningApp;
  let admin: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    svc = await startDispositivo(db.url);
    admin = new Client({ connectionString: process.env.TEST_PG_SERVER_URL });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
    await admin.end();
    await svc.close();
    await db.drop();
  });

  const reading = (serie: string) => ({
    nombreVariable: 'voltaje',
    numeroSerie: serie,
    estampaTiempo: '2025-03-01T00:00:00Z',
    valorVariable: 1,
  });

  it('answers 503 while the database is gone and recovers after', async () => {
    await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      db.name,
    ]);
    const during = await http(svc.url, 'POST', '/api/dispositivo/envio', reading('OUTAGE'));
    expect(during.status).toBe(503);
    expect(during.body.message).toContain('re-sending is idempotent');
    const health = await http(svc.url, 'GET', '/health', undefined, { apiKey: null });
    expect(health.status).toBe(503);

    await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
    const after = await http(svc.url, 'POST', '/api/dispositivo/envio', reading('OUTAGE'));
    expect(after.status).toBe(201);
    const check = new Client({ connectionString: db.url });
    await check.connect();
    const { rows } = await check.query(
      "SELECT count(*)::int AS n FROM lectura WHERE numero_serie = 'OUTAGE'",
    );
    await check.end();
    expect(rows[0].n).toBe(1);
  });
});

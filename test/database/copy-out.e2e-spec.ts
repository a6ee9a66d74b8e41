import { copyOutPartes } from '@iot/database';
import { serieDeCopia } from '../../apps/facturacion/src/energia/muestras-binarias';
import { Pool } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';

/** The energy job's raw read of readings (one bytea through a binary COPY), against a real PostgreSQL. */
describe('copyOutPartes', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 2, query_timeout: 1500 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const lecturas = (sql: string) => copyOutPartes(pool, sql).then(serieDeCopia);

  it('reads 200,000 readings in many parts, to the millisecond; NULL or no row as none', async () => {
    const partes = await copyOutPartes(
      pool,
      `SELECT string_agg(timestamptz_send(timestamptz '2026-01-01Z' + i * interval '1.5 ms')
                         || float8send(i / 4.0), '')
       FROM generate_series(0, 199999) i`,
    );
    expect(partes.length).toBeGreaterThan(1);
    const s = serieDeCopia(partes);
    expect(s.t).toHaveLength(200_000);
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    // 1.5 ms steps: odd steps end in .5 ms and round half up, as PostgreSQL's µs are rounded
    for (const k of [0, 1, 2, 3, 99_999, 199_999]) {
      expect([s.t[k], s.v[k]]).toEqual([t0 + Math.round(k * 1.5), k / 4]);
    }
    expect((await lecturas(`SELECT NULL::bytea`)).t).toHaveLength(0);
    expect((await lecturas(`SELECT '\\x01'::bytea WHERE false`)).t).toHaveLength(0);
  });

  it('gives up on a server that stops answering, and the pool stays usable', async () => {
    const t0 = Date.now();
    // pg's query_timeout covers a COPY stream too
    await expect(copyOutPartes(pool, `SELECT pg_sleep(4)::text::bytea`)).rejects.toThrow(
      'Query read timeout',
    );
    expect(Date.now() - t0).toBeLessThan(3_500);
    // the server is still sleeping: cancel it, so the abandoned connection closes now
    await pool.query(
      `SELECT pg_cancel_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'`,
    );
    // the connection it gave up on is not handed out again
    for (let k = 0; k < 3; k++) {
      const una = `SELECT timestamptz_send(now()) || float8send(${k})`;
      expect((await lecturas(una)).v).toEqual(new Float64Array([k]));
    }
  });

  it('passes a server error through, and the pool stays usable', async () => {
    await expect(copyOutPartes(pool, `SELECT 1 / 0`)).rejects.toThrow('division by zero');
    const una = `SELECT timestamptz_send(timestamptz '2026-01-01Z') || float8send(3)`;
    expect((await lecturas(una)).v).toEqual(new Float64Array([3]));
  });
});

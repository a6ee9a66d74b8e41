import { copyOutBytea } from '@iot/database';
import { Pool } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';

/** The raw bytea read of the energy job, against a real PostgreSQL. */
describe('copyOutBytea', () => {
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

  it('reads a large value byte for byte, and NULL as null', async () => {
    const b = await copyOutBytea(
      pool,
      `SELECT string_agg(int4send(i), '') FROM generate_series(1, 200000) i`,
    );
    expect(b).toHaveLength(800_000);
    expect(b!.readInt32BE(0)).toBe(1);
    expect(b!.readInt32BE(799_996)).toBe(200_000);
    expect(await copyOutBytea(pool, `SELECT NULL::bytea`)).toBeNull();
    expect(await copyOutBytea(pool, `SELECT '\\x01'::bytea WHERE false`)).toBeNull();
  });

  it('gives up on a server that stops answering, and the pool stays usable', async () => {
    const t0 = Date.now();
    // pg's query_timeout covers a COPY stream too
    await expect(copyOutBytea(pool, `SELECT pg_sleep(4)::text::bytea`)).rejects.toThrow(
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
      expect(await copyOutBytea(pool, `SELECT '\\x0102'::bytea`)).toEqual(Buffer.from([1, 2]));
    }
  });

  it('passes a server error through, and the pool stays usable', async () => {
    await expect(copyOutBytea(pool, `SELECT 1 / 0`)).rejects.toThrow('division by zero');
    expect(await copyOutBytea(pool, `SELECT '\\x03'::bytea`)).toEqual(Buffer.from([3]));
  });
});

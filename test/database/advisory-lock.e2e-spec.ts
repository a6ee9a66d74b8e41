import { tryAdvisoryLock } from '@iot/database';
import { Pool } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('tryAdvisoryLock', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 3 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });
  const holders = async (): Promise<number> =>
    (
      await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242`,
      )
    ).rows[0].n;

  it('one holder at a time; released, the lock is free and its connection is reused', async () => {
    const primero = await tryAdvisoryLock(pool, 4242);
    expect(primero).toBeDefined();
    expect(await tryAdvisoryLock(pool, 4242)).toBeUndefined();
    await primero!.release();
    expect(await holders()).toBe(0);
    const conexiones = pool.totalCount;
    expect(conexiones).toBeGreaterThan(0);
    const segundo = await tryAdvisoryLock(pool, 4242);
    expect(segundo).toBeDefined();
    await segundo!.release();
    expect(pool.totalCount).toBe(conexiones); // no connection closed and opened again
  });
});

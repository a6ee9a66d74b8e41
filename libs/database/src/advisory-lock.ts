import type { Pool } from 'pg';

/**
 * A held session lock. Releasing unlocks and returns the connection to the
 * pool; if the unlock fails or finds no lock, the connection is closed
 * instead (what surely drops it). Closing it every time cost each run a new
 * connection: 5 to 15 ms on every energy job run, empty or not.
 */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * One runner at a time across every instance on this database: a session
 * advisory lock on a connection of its own, or undefined when another holds
 * it. If the process dies, PostgreSQL drops the connection and the lock.
 */
export async function tryAdvisoryLock(pool: Pool, key: number): Promise<HeldLock | undefined> {
  const client = await pool.connect();
  const ignore = (): void => undefined; // reported by the work's own connections
  client.on('error', ignore);
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      key,
    ]);
    if (!rows[0].ok) {
      // back to the pool: without this each try would leave a listener on the pooled client
      client.off('error', ignore);
      client.release();
      return undefined;
    }
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  return {
    release: async () => {
      client.off('error', ignore);
      try {
        const { rows } = await client.query<{ ok: boolean }>(
          'SELECT pg_advisory_unlock($1) AS ok',
          [key],
        );
        client.release(rows[0].ok ? undefined : true);
      } catch (error) {
        client.release(error instanceof Error ? error : true);
      }
    },
  };
}

import type { Pool } from 'pg';

/** A held session lock; releasing closes its connection (what surely drops the lock). */
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
  return { release: () => Promise.resolve(client.release(true)) };
}

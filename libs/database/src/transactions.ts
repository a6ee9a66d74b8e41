import type { Pool, PoolClient } from 'pg';
import { isTransientDatabaseError } from './transient-errors';

/**
 * BEGIN … COMMIT on one pooled connection. A connection that failed or timed
 * out mid-statement is discarded, never reused.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (tx: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // a connection lost between statements is reported by the next one; without a
  // listener its 'error' event would crash the process
  const ignore = (): void => undefined;
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.off('error', ignore);
    client.release();
    return result;
  } catch (error) {
    // a lost or stuck connection is closed (the server rolls back); otherwise roll back and reuse it
    const rolledBack =
      !isTransientDatabaseError(error) &&
      (await client.query('ROLLBACK').then(
        () => true,
        () => false,
      ));
    client.off('error', ignore);
    client.release(rolledBack ? undefined : (error as Error));
    throw error;
  }
}

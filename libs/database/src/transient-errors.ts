/**
 * Whether a failed database call can succeed if simply tried again later: the
 * connection or the server was unavailable, or the transaction lost a race.
 * Anything else (a data error, a constraint, a bug) fails the same way every
 * time, so retrying it would stall whatever waits behind it.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; severity?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  // FATAL ends the session: the server refused or dropped the connection itself
  // (database not accepting connections, too many clients, shutting down)
  if (e?.severity === 'FATAL' || e?.severity === 'PANIC') return true;
  if (/^(08|53|57P)/.test(code)) return true; // connection, resources, operator intervention (shutdown)
  if (code === '40001' || code === '40P01') return true; // serialization failure, deadlock
  if (code === '57014') return true; // query_canceled: statement_timeout
  // node-level socket errors
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)
  )
    return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  // pg and pg-pool: pool acquire timeout, client-side query timeout, connection lost
  return /timeout exceeded when trying to connect|Query read timeout|Connection terminated|Client has encountered a connection error|connection timeout|Client was closed/i.test(
    message,
  );
}

import { Role } from '@iot/contracts';
import type { Queryable } from '@iot/database';

/** A key as the caches hold it. */
export interface KeyChange {
  id: string;
  role: Role;
  series: string[] | null;
  keyHash: Buffer;
  revoked: boolean;
}

export interface KeyChanges {
  findChangedSince(horizon: string): Promise<{ changes: KeyChange[]; next: string }>;
}

/**
 * Keys changed by transactions from `horizon` on ('0': every key), and the
 * horizon for the next call: the oldest transaction running now. A change
 * not yet committed is read again next time, never skipped. Read by the
 * gateway, by dispositivo and facturacion (caller tokens must name an active
 * key) and by the embedded broker.
 */
export async function findKeyChangesSince(
  db: Queryable,
  horizon: string,
): Promise<{ changes: KeyChange[]; next: string }> {
  // one statement: the rows and the horizon come from the same snapshot
  const { rows } = await db.query<KeyChange & { next: string }>(
    `SELECT s.next, k.* FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS next) s
     LEFT JOIN LATERAL (
       SELECT id, role, series, key_hash AS "keyHash", revoked_at IS NOT NULL AS revoked
       FROM api_key WHERE changed_xid >= $1::xid8 ORDER BY changed_xid
     ) k ON true`,
    [horizon],
  );
  return {
    changes: rows.filter((r) => r.id !== null).map(({ next: _, ...change }) => change),
    next: rows[0].next,
  };
}

import { Queryable } from '@iot/database';
import { Role } from '@iot/contracts';
import { findKeyChangesSince, KeyChange, KeyChanges } from './key-changes';
import { ApiKey } from './api-key';

const LISTED = `id, role, nombre, series,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "revokedAt"`;

/** Queries on `api_key`; plain pg so the keys CLI uses it without Nest. */
export class KeysRepository implements KeyChanges {
  constructor(private readonly db: Queryable) {}

  async insert(
    key: { id: string; role: Role; nombre?: string; series?: string[] },
    keyHash: Buffer,
  ): Promise<ApiKey> {
    const { rows } = await this.db.query<ApiKey>(
      `INSERT INTO api_key (id, role, nombre, series, key_hash) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${LISTED}`,
      [key.id, key.role, key.nombre ?? null, key.series ?? null, keyHash],
    );
    return rows[0];
  }

  /** The revoked key, or undefined when there is no such key (or it was revoked already). */
  async revoke(id: string): Promise<ApiKey | undefined> {
    const { rows } = await this.db.query<ApiKey>(
      `UPDATE api_key SET revoked_at = now(), changed_xid = pg_current_xact_id()
       WHERE id = $1 AND revoked_at IS NULL RETURNING ${LISTED}`,
      [id],
    );
    return rows[0];
  }

  async findById(id: string): Promise<ApiKey | undefined> {
    const { rows } = await this.db.query<ApiKey>(`SELECT ${LISTED} FROM api_key WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  async listAll(): Promise<ApiKey[]> {
    const { rows } = await this.db.query<ApiKey>(
      `SELECT ${LISTED} FROM api_key ORDER BY created_at, id`,
    );
    return rows;
  }

  async countActive(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM api_key WHERE revoked_at IS NULL`,
    );
    return rows[0].n;
  }

  findChangedSince(horizon: string): Promise<{ changes: KeyChange[]; next: string }> {
    return findKeyChangesSince(this.db, horizon);
  }
}

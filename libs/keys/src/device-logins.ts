import { keyDigest } from '@iot/contracts';
import type { Queryable } from '@iot/database';

/** A device key as an MQTT broker sees its login. */
export interface DeviceLogin {
  keyId: string;
  /** Serials it may publish for; null: any. */
  series: string[] | null;
}

/**
 * The active `dispositivo` key behind an MQTT login (username: the key id,
 * password: the key), or undefined. The embedded broker's check; Mosquitto's
 * dynamic-security plugin applies the same rule in production.
 */
export async function findDeviceLogin(
  db: Queryable,
  username: string,
  password: string,
): Promise<DeviceLogin | undefined> {
  const { rows } = await db.query<{ id: string; series: string[] | null }>(
    `SELECT id, series FROM api_key
     WHERE key_hash = $1 AND revoked_at IS NULL AND role = 'dispositivo'`,
    [keyDigest(password)],
  );
  return rows[0]?.id === username ? { keyId: rows[0].id, series: rows[0].series } : undefined;
}

/** Which of these key ids are still active (a broker drops the others' devices). */
export async function findActiveKeyIds(db: Queryable, ids: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM api_key WHERE id = ANY($1) AND revoked_at IS NULL`,
    [ids],
  );
  return new Set(rows.map((r) => r.id));
}

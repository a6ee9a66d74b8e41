import { hash, randomBytes } from 'node:crypto';

/**
 * A stored API key: `iot_<id>_<secret>`. The id (12 hex digits) is public
 * (lists, logs, the MQTT username); the 256-bit secret is shown once.
 */
export const API_KEY_FORMAT = /^iot_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

export function generateKey(): { id: string; key: string } {
  const id = randomBytes(6).toString('hex');
  return { id, key: `iot_${id}_${randomBytes(32).toString('base64url')}` };
}

/** The id inside a well-formed key (MQTT brokers use it as the username). */
export function keyIdOf(key: string): string | undefined {
  return API_KEY_FORMAT.exec(key)?.[1];
}

/**
 * How a key is kept in the store and looked up by the gateway, the services
 * and the brokers: its SHA-256 (256 random bits need no slow hash).
 */
export const keyDigest = (key: string): Buffer => hash('sha256', key, 'buffer');

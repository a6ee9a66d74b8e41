import { randomBytes } from 'node:crypto';

/** Throwaway broker credentials for one bench run. */
export const MQTT_CONFIG_BENCH = { password: randomBytes(18).toString('base64url') };

import { randomBytes } from 'node:crypto';

/** Throwaway broker login for one bench run (dispositivo, publishers and counters share it). */
export const MQTT_BENCH_LOGIN = { user: 'bench', password: randomBytes(18).toString('base64url') };

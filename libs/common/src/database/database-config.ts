import { EnvReader } from '../config/env';

export interface DatabaseConfig {
  /** Full URL of the app's database when configured; undefined means embedded. */
  url?: string;
  /** Database name used on the embedded server (and created there). */
  name: string;
  embedded: { dir: string; port: number };
  poolSize: number;
}

export const EMBEDDED_PG_DEFAULT_PORT = 54329;
export const EMBEDDED_PG_DEFAULT_DIR = '.data/postgres';

export function readDatabaseConfig(env: EnvReader, defaultName: string): DatabaseConfig {
  return {
    url: env.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']),
    name: defaultName,
    embedded: {
      dir: env.string('EMBEDDED_PG_DIR', EMBEDDED_PG_DEFAULT_DIR),
      port: env.port('EMBEDDED_PG_PORT', EMBEDDED_PG_DEFAULT_PORT),
    },
    poolSize: env.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 100 }),
  };
}

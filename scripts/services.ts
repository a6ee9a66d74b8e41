import { withDatabase } from '@iot/database';
import {
  EMBEDDED_PG_DEFAULT_DIR,
  EMBEDDED_PG_DEFAULT_PORT,
  RunningPostgres,
  startEmbeddedPostgres,
} from './embedded-postgres';

export const APPS = [
  { name: 'gateway', portVar: 'GATEWAY_PORT', port: 8080, database: 'ms_gateway' },
  { name: 'dispositivo', portVar: 'DISPOSITIVO_PORT', port: 8081, database: 'ms_dispositivo' },
  { name: 'facturacion', portVar: 'FACTURACION_PORT', port: 8082, database: 'ms_facturacion' },
] as const;

export type AppName = (typeof APPS)[number]['name'];

/**
 * The PostgreSQL server the suite uses: `DATABASE_URL` (a server; each app
 * gets its own database on it) or the embedded one under `.data/postgres`.
 */
export async function postgresServer(env: NodeJS.ProcessEnv): Promise<RunningPostgres> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, dataDir: '', stop: () => Promise.resolve() };
  }
  return startEmbeddedPostgres({
    dir: env.EMBEDDED_PG_DIR ?? EMBEDDED_PG_DEFAULT_DIR,
    port: Number(env.EMBEDDED_PG_PORT ?? EMBEDDED_PG_DEFAULT_PORT),
  });
}

export function appDatabaseUrl(serverUrl: string, database: string): string {
  return withDatabase(serverUrl, database);
}

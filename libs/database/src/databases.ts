import { StartupError } from '@iot/common';
import { Client, ClientConfig } from 'pg';
import { quoteIdentifier } from './identifiers';

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

function where(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}/${databaseName(url)}`;
}

async function withClient<T>(
  config: ClientConfig,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client(config);
  client.on('error', () => undefined); // a dropped connection surfaces through the query
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Start-up check of an app's database: it must answer within the connect
 * timeout. If it does not exist, creating it is tried as a convenience (the
 * role may lack CREATEDB: then the message says what to do).
 */
export async function prepareDatabase(url: string, connectTimeoutMs: number): Promise<void> {
  const config = { connectionString: url, connectionTimeoutMillis: connectTimeoutMs };
  try {
    await withClient(config, (c) => c.query('SELECT 1'));
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_CATALOG_NAME) {
      throw new StartupError(
        `database ${where(url)} did not answer within ${connectTimeoutMs} ms ` +
          `(DATABASE_CONNECT_TIMEOUT_MS): ${(error as Error).message}`,
      );
    }
  }
  const name = databaseName(url);
  try {
    await createDatabase(withDatabase(url, 'postgres'), name, connectTimeoutMs);
  } catch (error) {
    throw new StartupError(
      `database ${where(url)} does not exist and could not be created ` +
        `(${(error as Error).message}); create it, or give the role CREATEDB`,
    );
  }
}

/** Creates `name` on the server unless it exists (tools and tests; apps use prepareDatabase). */
export async function createDatabase(
  serverUrl: string,
  name: string,
  connectTimeoutMs = 10_000,
): Promise<void> {
  await withClient(
    {
      connectionString: withDatabase(serverUrl, 'postgres'),
      connectionTimeoutMillis: connectTimeoutMs,
    },
    async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        name,
      ]);
      if (rowCount) return;
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`).catch((error: unknown) => {
        // another process created it between our check and our CREATE
        if ((error as { code?: string }).code !== DUPLICATE_DATABASE) throw error;
      });
    },
  );
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient({ connectionString: withDatabase(serverUrl, 'postgres') }, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
  );
}

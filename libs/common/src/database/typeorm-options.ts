import { Pool } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DatabaseConfig } from './database-config';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from './postgres-server';

/**
 * Resolves the app's database URL: the configured one (creating the database
 * if the server lacks it) or a database on the embedded server.
 */
export async function resolveDatabaseUrl(config: DatabaseConfig): Promise<string> {
  if (config.url) {
    const url = new URL(config.url);
    const name = decodeURIComponent(url.pathname.slice(1)) || config.name;
    await ensureDatabase(config.url, name);
    return withDatabase(config.url, name);
  }
  const server = await startEmbeddedPostgres(config.embedded);
  await ensureDatabase(server.url, config.name);
  return withDatabase(server.url, config.name);
}

/** Schema comes only from migrations, run at start-up; never `synchronize`. */
export function typeOrmOptions(
  url: string,
  poolSize: number,
  migrations: DataSourceOptions['migrations'],
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: { max: poolSize, application_name: process.env.SERVICE_NAME ?? 'iot' },
  };
}

/**
 * The pg Pool under a TypeORM PostgreSQL DataSource, for hot queries that need
 * what TypeORM's `query()` cannot pass, such as named (server-side prepared)
 * statements.
 */
export function pgPool(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as Partial<PostgresDriver>).master as Pool | undefined;
  if (!pool) throw new Error('pgPool needs an initialised PostgreSQL DataSource');
  return pool;
}

import { Pool, PoolClient } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DatabaseConfig } from './database-config';

/**
 * Schema comes only from migrations, run at start-up; never `synchronize`.
 * Every connection has a server-side statement timeout and a client-side one
 * slightly longer (a frozen server sends no error); waiting for a pool slot or
 * a new connection has its own timeout. Callers then answer "unavailable"
 * within a bounded time instead of hanging.
 */
export function typeOrmOptions(
  database: Pick<DatabaseConfig, 'url' | 'poolSize' | 'connectTimeoutMs' | 'queryTimeoutMs'>,
  applicationName: string,
  migrations: DataSourceOptions['migrations'],
): DataSourceOptions {
  return {
    type: 'postgres',
    url: database.url,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: {
      max: database.poolSize,
      application_name: applicationName,
      connectionTimeoutMillis: database.connectTimeoutMs,
      statement_timeout: database.queryTimeoutMs,
      query_timeout: database.queryTimeoutMs + 1000,
      keepAlive: true,
    },
  };
}

/** A pooled connection (in a transaction), or the pool itself for one autocommitted statement. */
export type Queryable = Pick<PoolClient, 'query'>;

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

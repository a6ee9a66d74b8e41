import { createDatabase, dropDatabase, typeOrmOptions, withDatabase } from '@iot/database';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MigrationInterface } from 'typeorm';
import { migrations as dispositivoMigrations } from '../../apps/dispositivo/src/database/migrations';

export interface BenchDatabase {
  url: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

let n = 0;

/**
 * A fresh database for one measured run; `migrate`: with dispositivo's schema
 * (true) or the given migrations.
 */
export async function freshDatabase(
  serverUrl: string,
  migrate: boolean | Array<new () => MigrationInterface>,
): Promise<BenchDatabase> {
  const migrations = migrate === true ? dispositivoMigrations : migrate || [];
  const name = `bench_${process.pid}_${Date.now().toString(36)}_${n++}`;
  await createDatabase(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  if (migrations.length > 0) {
    const source = new DataSource(
      typeOrmOptions(
        { url, poolSize: 1, connectTimeoutMs: 10_000, queryTimeoutMs: 600_000 },
        'bench',
        migrations,
      ),
    );
    await source.initialize(); // migrationsRun
    await source.destroy();
  }
  return {
    url,
    query: async <T>(sql: string, params?: unknown[]) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    drop: () => dropDatabase(serverUrl, name),
  };
}

import { dropDatabase, ensureDatabase, typeOrmOptions, withDatabase } from '@iot/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../apps/dispositivo/src/database/migrations';

export interface BenchDatabase {
  url: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

let n = 0;

/** A fresh database for one measured run, with dispositivo's schema when `migrate`. */
export async function freshDatabase(serverUrl: string, migrate: boolean): Promise<BenchDatabase> {
  const name = `bench_${process.pid}_${Date.now().toString(36)}_${n++}`;
  await ensureDatabase(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  if (migrate) {
    const source = new DataSource(typeOrmOptions(url, 1, migrations));
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

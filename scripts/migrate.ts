/** `npm run migrate`: applies pending migrations of every app's database, then exits. */
import { configureLogging } from '@iot/common';
import { createDatabase, typeOrmOptions } from '@iot/database';
import { DataSource } from 'typeorm';
import { migrations as dispositivo } from '../apps/dispositivo/src/database/migrations';
import { migrations as facturacion } from '../apps/facturacion/src/database/migrations';
import { migrations as gateway } from '../apps/gateway/src/database/migrations';
import { appDatabaseUrl, postgresServer } from './services';

async function main(): Promise<void> {
  configureLogging({ service: 'migrate', level: 'warn' });
  const server = await postgresServer(process.env);
  try {
    for (const [database, list] of [
      ['ms_dispositivo', dispositivo],
      ['ms_facturacion', facturacion],
      ['ms_gateway', gateway],
    ] as const) {
      await createDatabase(server.url, database);
      const url = appDatabaseUrl(server.url, database);
      const source = new DataSource({
        ...typeOrmOptions(
          { url, poolSize: 1, connectTimeoutMs: 10_000, queryTimeoutMs: 3_600_000 },
          'migrate',
          [...list],
        ),
        migrationsRun: false,
      });
      await source.initialize();
      const applied = await source.runMigrations({ transaction: 'each' });
      await source.destroy();
      process.stdout.write(`${database}: ${applied.length} migration(s) applied\n`);
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate failed: ${(error as Error).message}\n`);
  process.exit(1);
});

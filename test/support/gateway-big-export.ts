import { Client } from 'pg';
import { AppProcess, spawnApp } from './app-process';
import { createTestDatabase, TestDatabase } from './database';

export interface BigExportSuite {
  db: TestDatabase;
  dispositivo: AppProcess;
  gateway: AppProcess;
}

/**
 * For one spec file: dispositivo on a fresh database holding 850,000 readings
 * of `voltaje` (its `/solicitud` answer is ~117 MB) and a gateway in front of it,
 * both as processes; all torn down after.
 */
export function useGatewayOverBigExport(gatewayEnv: Record<string, string> = {}): BigExportSuite {
  const suite = {} as BigExportSuite;
  beforeAll(async () => {
    suite.db = await createTestDatabase();
    suite.dispositivo = await spawnApp('dispositivo', { DATABASE_URL: suite.db.url });
    suite.gateway = await spawnApp('gateway', {
      DISPOSITIVO_URL: suite.dispositivo.url,
      ...gatewayEnv,
    });
    const pg = new Client({ connectionString: suite.db.url });
    await pg.connect();
    await pg.query(
      `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
       SELECT 'STREAM-' || lpad((i % 1000)::text, 4, '0'), 'voltaje',
              timestamptz '2026-01-01' + i * interval '1 second', 220 + (i % 97) / 10.0
       FROM generate_series(1, 850000) i`,
    );
    await pg.end();
  });
  afterAll(async () => {
    await Promise.all([suite.dispositivo, suite.gateway].map((p) => p?.kill('SIGTERM')));
    await suite.db?.drop();
  });
  return suite;
}

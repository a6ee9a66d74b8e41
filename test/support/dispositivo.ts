import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDispositivoApp } from '../../apps/dispositivo/src/bootstrap';
import { loadDispositivoConfig } from '../../apps/dispositivo/src/config';
import { createTestDatabase, TestDatabase } from './database';

/** Random per test worker: no credential, even a throwaway one, lives in the repo. */
export const TEST_API_KEY = `test-${randomBytes(18).toString('base64url')}`;
/** Shared by the gateway and the services of a test run. */
export const TEST_GATEWAY_SECRET = randomBytes(32).toString('base64url');

export interface RunningApp {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** dispositivo on a free port against `databaseUrl`, configured like production. */
export async function startDispositivo(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<RunningApp> {
  const config = loadDispositivoConfig({
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    API_KEYS: TEST_API_KEY,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    DATABASE_URL: databaseUrl,
    DISPOSITIVO_PORT: '0',
    ...env,
  });
  const app = await createDispositivoApp(config);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), close: () => app.close() };
}

export interface DispositivoFixture {
  db: TestDatabase;
  svc: RunningApp;
  /** A plain client on the same database, to check what was stored. */
  pg: Client;
}

/** For one spec file: a fresh database, dispositivo on it, and a pg client; all torn down after. */
export function useDispositivo(): DispositivoFixture {
  const fixture = {} as DispositivoFixture;
  beforeAll(async () => {
    fixture.db = await createTestDatabase();
    fixture.svc = await startDispositivo(fixture.db.url);
    fixture.pg = new Client({ connectionString: fixture.db.url });
    await fixture.pg.connect();
  });
  afterAll(async () => {
    await fixture.pg.end();
    await fixture.svc.close();
    await fixture.db.drop();
  });
  return fixture;
}

/** The `i`-th voltaje reading of `numeroSerie`, one second apart from 2026-01-01. */
export const voltaje = (numeroSerie: string, i: number) => ({
  nombreVariable: 'voltaje',
  numeroSerie,
  estampaTiempo: 1767225600000 + i * 1000,
  valorVariable: i,
});

import { randomBytes } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDispositivoApp } from '../../apps/dispositivo/src/bootstrap';
import { loadDispositivoConfig } from '../../apps/dispositivo/src/config';

/** Random per test worker: no credential, even a throwaway one, lives in the repo. */
export const TEST_API_KEY = `test-${randomBytes(18).toString('base64url')}`;

export interface RunningApp {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** dispositivo on a free port against `databaseUrl`, configured like production. */
export async function startDispositivo(
  databaseUrl: string | undefined,
  env: Record<string, string> = {},
): Promise<RunningApp> {
  const config = loadDispositivoConfig({
    API_KEYS: TEST_API_KEY,
    DATABASE_URL: databaseUrl,
    DISPOSITIVO_PORT: '0',
    ...env,
  });
  const app = await createDispositivoApp(config);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), close: () => app.close() };
}

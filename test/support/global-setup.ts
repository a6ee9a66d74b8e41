import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../libs/common/src/database/postgres-server';
import { harness } from './harness-state';
import { freePort } from './ports';

/**
 * Decides which PostgreSQL server the e2e run uses: TEST_DATABASE_URL when
 * given (CI: the machine's PostgreSQL), otherwise an embedded one in a temp
 * folder. Each test file then creates and drops its own database on it.
 */
export default async function globalSetup(): Promise<void> {
  process.env.LOG_LEVEL ??= 'error';
  process.env.TEST_RUN_ID = `t${Date.now().toString(36)}${process.pid}`;
  if (process.env.TEST_DATABASE_URL) {
    process.env.TEST_PG_SERVER_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'iot-test-pg-'));
  const server = await startEmbeddedPostgres({ dir, port: await freePort() });
  process.env.TEST_PG_SERVER_URL = server.url;
  harness.embedded = { dir, stop: () => server.stop() };
}

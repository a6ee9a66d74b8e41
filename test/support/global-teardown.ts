import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { dropDatabase } from '../../libs/common/src/database/postgres-server';
import { harness } from './harness-state';

/** Drops every database this run created (even after a crashed test file). */
export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.TEST_PG_SERVER_URL;
  const runId = process.env.TEST_RUN_ID;
  if (serverUrl && runId) {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${runId}%`],
    );
    await client.end();
    for (const { datname } of rows) await dropDatabase(serverUrl, datname);
  }
  if (harness.embedded) {
    await harness.embedded.stop();
    rmSync(harness.embedded.dir, { recursive: true, force: true });
  }
}

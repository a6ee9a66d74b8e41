import { rmSync } from 'node:fs';
import { Client } from 'pg';
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
    // names made by createTestDatabase: [a-z0-9_] only
    for (const { datname } of rows) {
      if (/^[a-z0-9_]+$/.test(datname))
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.end();
  }
  if (harness.embedded) {
    await harness.embedded.stop();
    for (const dir of harness.embedded.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase, withDatabase } from '@iot/database';

let counter = 0;

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the run's server, for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.TEST_PG_SERVER_URL;
  const runId = process.env.TEST_RUN_ID;
  if (!server || !runId) throw new Error('e2e specs need the jest global setup (npm test)');
  // the counter restarts with each test file (jest reloads modules): a random part keeps
  // names of two files in one worker apart
  const unique = `${counter++}${randomBytes(3).toString('hex')}`;
  const name = `${runId}_${process.env.JEST_WORKER_ID ?? 0}_${unique}`.toLowerCase();
  await createDatabase(server, name);
  return { name, url: withDatabase(server, name), drop: () => dropDatabase(server, name) };
}

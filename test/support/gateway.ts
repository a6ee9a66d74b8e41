import { Client } from 'pg';
import { keyDigest } from '@iot/contracts';
import { KeysService, openKeyStore } from '@iot/keys';
import { createTestDatabase } from './database';
import { TEST_API_KEY } from './dispositivo';

export { TEST_GATEWAY_SECRET } from './dispositivo';

export interface TestKeyStore {
  url: string;
  keys: KeysService;
  close(): Promise<void>;
}

/**
 * A migrated gateway key store on a fresh database, where TEST_API_KEY is an
 * `admin` key (so tests about routing use it through the gateway as before).
 */
export async function createTestKeyStore(env: NodeJS.ProcessEnv = {}): Promise<TestKeyStore> {
  const { url } = await createTestDatabase();
  const store = await openKeyStore(url, env);
  const pg = new Client({ connectionString: url });
  await pg.connect();
  await pg.query(`INSERT INTO api_key (id, role, nombre, key_hash) VALUES ($1, 'admin', $2, $3)`, [
    'testadmin000',
    'TEST_API_KEY',
    keyDigest(TEST_API_KEY),
  ]);
  await pg.end();
  return { url, keys: store.keys, close: () => store.close() };
}

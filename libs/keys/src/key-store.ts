import { pgPool, prepareDatabase, typeOrmOptions } from '@iot/database';
import { EnvReader } from '@iot/common';
import { DataSource } from 'typeorm';
import { readDynsecConfig } from './dynsec/dynsec.config';
import { KeysService } from './keys.service';
import { keyStoreMigrations } from './migrations';

export const GATEWAY_DATABASE = 'ms_gateway';

/**
 * The gateway's key store (`url`: its database, created if missing),
 * migrated, for `npm start`, `npm run keys` and tests. `MQTT_DYNSEC_URL` set:
 * device keys are mirrored on Mosquitto.
 */
export async function openKeyStore(
  url: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ keys: KeysService; close(): Promise<void> }> {
  await prepareDatabase(url, 10_000);
  const source = new DataSource(
    typeOrmOptions({ url, poolSize: 2, connectTimeoutMs: 10_000, queryTimeoutMs: 30_000 }, 'keys', [
      ...keyStoreMigrations,
    ]),
  );
  await source.initialize();
  const reader = new EnvReader(env);
  const dynsec = readDynsecConfig(reader);
  reader.done();
  return { keys: new KeysService(pgPool(source), dynsec), close: () => source.destroy() };
}

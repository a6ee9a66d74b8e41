import { pgPool, prepareDatabase, typeOrmOptions } from '@iot/database';
import { EnvReader } from '@iot/common';
import { DataSource } from 'typeorm';
import { migrations } from '../apps/gateway/src/database/migrations';
import { readDynsecConfig } from '../apps/gateway/src/mqtt/dynsec.config';
import { KeysService } from '../apps/gateway/src/keys/keys.service';

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
      ...migrations,
    ]),
  );
  await source.initialize();
  const reader = new EnvReader(env);
  const dynsec = readDynsecConfig(reader);
  reader.done();
  return { keys: new KeysService(pgPool(source), dynsec), close: () => source.destroy() };
}

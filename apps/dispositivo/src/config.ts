import {
  checkApiKey,
  DatabaseConfig,
  EnvReader,
  LOG_LEVELS,
  readDatabaseConfig,
} from '@iot/common';
import { WriterConfig } from './lecturas/lectura-writer';

export interface DispositivoConfig {
  host: string;
  port: number;
  apiKeys: string[];
  database: DatabaseConfig;
  writer: WriterConfig;
}

/** Reads and validates the environment; throws a ConfigError naming every problem. */
export function loadDispositivoConfig(source: NodeJS.ProcessEnv = process.env): DispositivoConfig {
  const env = new EnvReader(source);
  env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const config: DispositivoConfig = {
    host: env.string('HOST', '127.0.0.1'),
    port: env.port('DISPOSITIVO_PORT', 8081),
    apiKeys: env.list('API_KEYS', checkApiKey),
    database: readDatabaseConfig(env, 'ms_dispositivo'),
    writer: {
      maxRows: env.int('GROUP_COMMIT_MAX_ROWS', 5000, { min: 1000, max: 50000 }),
      maxInFlight: env.int('GROUP_COMMIT_MAX_IN_FLIGHT', 2, { min: 1, max: 16 }),
    },
  };
  env.require(config.apiKeys.length > 0, 'API_KEYS must list at least one API key (comma-separated)');
  env.done();
  return config;
}

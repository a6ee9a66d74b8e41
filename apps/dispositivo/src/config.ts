import { EnvReader, readServiceConfig, ServiceConfig } from '@iot/common';
import { DatabaseConfig, readDatabaseConfig } from '@iot/database';
import { WriterConfig } from './lecturas/lectura-writer';
import { MqttConfig, readMqttConfig } from './mqtt/mqtt.config';

export interface DispositivoConfig extends ServiceConfig {
  database: DatabaseConfig;
  writer: WriterConfig;
  /** Undefined: MQTT ingestion off (no MQTT_URL). */
  mqtt?: MqttConfig;
}

/** Reads and validates the environment; throws a ConfigError naming every problem. */
export function loadDispositivoConfig(source: NodeJS.ProcessEnv = process.env): DispositivoConfig {
  const env = new EnvReader(source);
  const config: DispositivoConfig = {
    ...readServiceConfig(env, {
      name: 'dispositivo',
      portVar: 'DISPOSITIVO_PORT',
      defaultPort: 8081,
    }),
    database: readDatabaseConfig(env),
    writer: {
      maxRows: env.int('GROUP_COMMIT_MAX_ROWS', 5000, { min: 1000, max: 50000 }),
      maxInFlight: env.int('GROUP_COMMIT_MAX_IN_FLIGHT', 4, { min: 1, max: 16 }),
    },
    mqtt: readMqttConfig(env),
  };
  env.done();
  return config;
}

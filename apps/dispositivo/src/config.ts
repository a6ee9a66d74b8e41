import { EnvReader, readServiceConfig, ServiceConfig } from '@iot/common';
import { IDENTIFIER_PATTERN } from '@iot/contracts';
import { DatabaseConfig, readDatabaseConfig } from '@iot/database';
import { AlmacenConfig } from './almacen/almacen.service';
import { WriterConfig } from './lecturas/lectura-writer';
import { MqttConfig, readMqttConfig } from './mqtt/mqtt.config';

export interface DispositivoConfig extends ServiceConfig {
  database: DatabaseConfig;
  writer: WriterConfig;
  almacen: AlmacenConfig;
  /** Undefined: MQTT ingestion off (no MQTT_URL). */
  mqtt?: MqttConfig;
}

/** RETENCION_CONSUMIDORES: comma-separated export consumers (default facturacion). */
function consumidores(env: EnvReader): string[] {
  const given = env.optionalString('RETENCION_CONSUMIDORES');
  const list = (given ?? 'facturacion')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  env.require(
    list.every((c) => IDENTIFIER_PATTERN.test(c)),
    `RETENCION_CONSUMIDORES must be names matching ${IDENTIFIER_PATTERN.source}, comma-separated`,
  );
  return list;
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
    almacen: {
      retencionDias: env.int('RETENCION_DIAS', 0, { min: 0, max: 36_500 }),
      compactarDias: env.int('COMPACTAR_DIAS', 0, { min: 0, max: 36_500 }),
      mantenimientoMs: env.int('MANTENIMIENTO_ALMACEN_S', 3600, { min: 1, max: 86_400 }) * 1000,
      lockTimeoutMs: env.int('RETENCION_LOCK_TIMEOUT_MS', 200, { min: 10, max: 10_000 }),
      consumidores: consumidores(env),
    },
    mqtt: readMqttConfig(env),
  };
  env.done();
  return config;
}

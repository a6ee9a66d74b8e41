import {
  DatabaseConfig,
  EnvReader,
  readDatabaseConfig,
  readServiceConfig,
  ServiceConfig,
} from '@iot/common';

export interface FacturacionConfig extends ServiceConfig {
  database: DatabaseConfig;
}

export function loadFacturacionConfig(source: NodeJS.ProcessEnv = process.env): FacturacionConfig {
  const env = new EnvReader(source);
  const config: FacturacionConfig = {
    ...readServiceConfig(env, 'FACTURACION_PORT', 8082),
    database: readDatabaseConfig(env, 'ms_facturacion'),
  };
  env.done();
  return config;
}

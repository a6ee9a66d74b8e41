import { EnvReader, readServiceConfig, ServiceConfig } from '@iot/common';
import { DatabaseConfig, readDatabaseConfig } from '@iot/database';

export interface FacturacionConfig extends ServiceConfig {
  database: DatabaseConfig;
}

export function loadFacturacionConfig(source: NodeJS.ProcessEnv = process.env): FacturacionConfig {
  const env = new EnvReader(source);
  const config: FacturacionConfig = {
    ...readServiceConfig(env, {
      name: 'facturacion',
      portVar: 'FACTURACION_PORT',
      defaultPort: 8082,
    }),
    database: readDatabaseConfig(env),
  };
  env.done();
  return config;
}

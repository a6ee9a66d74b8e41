import { EnvReader, readServiceConfig, ServiceConfig } from '@iot/common';
import { DatabaseConfig, readDatabaseConfig } from '@iot/database';
import {
  readSincronizacionConfig,
  SincronizacionConfig,
} from './sincronizacion/sincronizacion.config';
import { EnergiaConfig, readEnergiaConfig } from './energia/energia.config';
import { FacturasConfig, readFacturasConfig } from './facturas/facturas.config';
import { ConsultasConfig, readConsultasConfig } from './variables/variables.config';
import { readRetencionConfig, RetencionConfig } from './retencion/retencion.config';

export interface FacturacionConfig extends ServiceConfig {
  database: DatabaseConfig;
  sync: SincronizacionConfig;
  consultas: ConsultasConfig;
  energia: EnergiaConfig;
  facturas: FacturasConfig;
  retencion: RetencionConfig;
}

/** Reads and validates the environment; throws a ConfigError naming every problem. */
export function loadFacturacionConfig(source: NodeJS.ProcessEnv = process.env): FacturacionConfig {
  const env = new EnvReader(source);
  const config: FacturacionConfig = {
    ...readServiceConfig(env, {
      name: 'facturacion',
      portVar: 'FACTURACION_PORT',
      defaultPort: 8082,
    }),
    database: readDatabaseConfig(env),
    sync: readSincronizacionConfig(env),
    consultas: readConsultasConfig(env),
    energia: readEnergiaConfig(env),
    facturas: readFacturasConfig(env),
    retencion: readRetencionConfig(env),
  };
  env.done();
  return config;
}

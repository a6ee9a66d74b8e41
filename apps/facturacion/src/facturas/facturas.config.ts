import { EnvReader } from '@iot/common';
import { readCron } from '../programacion';

export interface FacturasConfig {
  /** FACTURA_SERIE: the series final statements are numbered in (gap-free per series). */
  serie: string;
  /** FACTURAS_CRON: the statements job (drafts kept current, finalised after the grace days); undefined: on request only. */
  cron?: string;
  /** GRACIA_DIAS: days after a period ends during which its statement stays a draft. */
  graciaDias: number;
}

export const FACTURAS_CONFIG = Symbol('FACTURAS_CONFIG');

export function readFacturasConfig(env: EnvReader): FacturasConfig {
  const serie = env.string('FACTURA_SERIE', 'F');
  env.require(
    /^[A-Z0-9-]{1,20}$/.test(serie),
    `FACTURA_SERIE="${serie}" must be 1 to 20 capital letters, digits or dashes`,
  );
  return {
    serie,
    cron: readCron(env, 'FACTURAS_CRON', '0 */5 * * * *'),
    graciaDias: env.int('GRACIA_DIAS', 5, { min: 0, max: 60 }),
  };
}

import { EnvReader } from '@iot/common';

export interface FacturasConfig {
  /** FACTURA_SERIE: the series final statements are numbered in (gap-free per series). */
  serie: string;
}

export const FACTURAS_CONFIG = Symbol('FACTURAS_CONFIG');

export function readFacturasConfig(env: EnvReader): FacturasConfig {
  const serie = env.string('FACTURA_SERIE', 'F');
  env.require(
    /^[A-Z0-9-]{1,20}$/.test(serie),
    `FACTURA_SERIE="${serie}" must be 1 to 20 capital letters, digits or dashes`,
  );
  return { serie };
}

import { EnvReader } from '@iot/common';
import { readCron } from '../programacion';

export interface RetencionConfig {
  /** Samples older than this many days may be deleted; 0 = kept forever. */
  dias: number;
  /** When the retention runs (when `dias` > 0). */
  cron?: string;
}

export const RETENCION_CONFIG = Symbol('RETENCION_CONFIG');

export function readRetencionConfig(env: EnvReader): RetencionConfig {
  return {
    dias: env.int('RETENCION_MUESTRAS_DIAS', 0, { min: 0, max: 36_500 }),
    cron: readCron(env, 'RETENCION_MUESTRAS_CRON', '0 17 * * * *'),
  };
}

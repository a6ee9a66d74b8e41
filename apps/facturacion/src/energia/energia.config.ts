import { EnvReader } from '@iot/common';
import { readCron } from '../programacion';
import type { Parametros } from './integracion';

export interface EnergiaConfig {
  /** The energy job's schedule (recomputes marked days); undefined: on request only. */
  cron?: string;
  parametros: Parametros;
  /** Fill sampled power's gaps from the same interval of the last 7 same weekdays. */
  estimarPotencia: boolean;
  /** Data quality: a value unchanged for longer than this is frozen. */
  congeladoMs: number;
  /** Nominal voltage (V) when the device has none configured; ±10 % is the accepted band. */
  tensionNominal: number;
  /** Readings later than now + this are "in the future" (a device clock ahead). */
  relojToleranciaMs: number;
}

export const ENERGIA_CONFIG = Symbol('ENERGIA_CONFIG');

export function readEnergiaConfig(env: EnvReader): EnergiaConfig {
  const intervaloMinutos = Number(env.oneOf('INTERVALO_MINUTOS', ['5', '15', '30', '60'], '15'));
  const maxGapMinutos = env.int('MAX_GAP_MINUTOS', 30, { min: 1, max: 1440 });
  const jitterMilli = env.int('CONTADOR_JITTER_WH', 1, { min: 0, max: 1_000_000 });
  return {
    cron: readCron(env, 'ENERGIA_CRON', '*/10 * * * * *'),
    parametros: {
      intervaloMs: intervaloMinutos * 60_000,
      maxGapMs: maxGapMinutos * 60_000,
      toleranciaPareoMs: env.int('TOLERANCIA_PAREO_S', 60, { min: 1, max: 3600 }) * 1000,
      jitter: jitterMilli / 1000,
      estimarContador:
        env.oneOf('ESTIMACION_CONTADOR', ['lineal', 'ninguna'], 'lineal') === 'lineal',
    },
    estimarPotencia:
      env.oneOf('ESTIMACION_POTENCIA', ['semanas', 'ninguna'], 'ninguna') === 'semanas',
    congeladoMs: env.int('CONGELADO_MIN', 60, { min: 1, max: 10_080 }) * 60_000,
    tensionNominal: env.int('TENSION_NOMINAL', 230, { min: 1, max: 1_000_000 }),
    relojToleranciaMs: env.int('RELOJ_TOLERANCIA_S', 300, { min: 0, max: 86_400 }) * 1000,
  };
}

import { LecturaRespuesta } from '@iot/contracts';

/** A validated reading, ready to store. */
export interface Lectura {
  numeroSerie: string;
  nombreVariable: string;
  estampaTiempo: Date;
  valorVariable: number;
}

export interface LecturaGuardada extends Lectura {
  id: number;
}

/** The idempotency key: one value per device, variable and instant. */
export function claveLectura(l: Lectura): string {
  return `${l.numeroSerie}\u0000${l.nombreVariable}\u0000${l.estampaTiempo.getTime()}`;
}

export function toRespuesta(l: LecturaGuardada): LecturaRespuesta {
  return {
    idDispositivo: l.id,
    nombreVariable: l.nombreVariable,
    numeroSerie: l.numeroSerie,
    estampaTiempo: l.estampaTiempo.toISOString(),
    valorVariable: l.valorVariable,
  };
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite JSON number, or a string holding one (some firmwares quote numbers). */
export function parseValorVariable(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && NUMERIC.test(value.trim())
        ? Number(value)
        : NaN;
  return Number.isFinite(n) ? n : undefined;
}

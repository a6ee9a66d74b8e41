import type { Entero } from '@iot/database';

/**
 * A device's intervals of one local hour (and one unit and interval length),
 * added up: what a statement needs of them. Every interval of a local hour
 * falls in the same time-of-use period, local day and tariff piece (pieces
 * change at local midnight), so a statement priced from these is the one
 * priced interval by interval. Amounts are exact integers: energy in
 * 10^-9 kWh (or kVAh) units, the energy store's scale.
 */
export interface ConsumoHorario {
  /** Local hour, `YYYY-MM-DD HH` (a repeated DST hour is one row). */
  hora: string;
  /** Start of its first interval, epoch ms. */
  inicio: number;
  /** Length of each of its intervals, ms. */
  ms: number;
  unidad: 'kWh' | 'kVAh' | null;
  /**
   * Energy, energy of `estimado` intervals, the largest interval's energy:
   * 10^-9 units, as exact integers (numbers while safe, else BigInts).
   */
  energia: Entero;
  estimada: Entero;
  maximo: Entero;
  /** Intervals with energy (those a tariff in another unit leaves unpriced). */
  conEnergia: number;
  /** Covered time: coverage (in millionths) × length (ms), summed. */
  cubierto: Entero;
}

export interface IntervaloConsumo {
  inicio: number;
  fin: number;
  energia: string;
  unidad: 'kWh' | 'kVAh' | null;
  calidad: 'real' | 'estimado' | 'faltante';
  cobertura: string;
}

/** Energy's scale in the store: 10^-9 units. */
export const NANO = 1_000_000_000n;

/** A span's local hours: each UTC quarter-hour from `base` mapped to the local hour it is in. */
export interface HorasLocales {
  /** Start of the first quarter-hour, epoch ms. */
  base: number;
  /** Quarter k (from base) → index into `etiquetas`. */
  cuartos: Int32Array;
  /** `YYYY-MM-DD HH`, local; a repeated DST hour is one entry. */
  etiquetas: string[];
}

const CUARTO_MS = 900_000;

/**
 * Builds HorasLocales from each quarter-hour's local label, in time order.
 * Local hours start on UTC quarter-hours in every zone in use (offsets are
 * multiples of 15 minutes), so a quarter never straddles two local hours.
 */
export function horasLocales(base: number, etiquetasPorCuarto: string[]): HorasLocales {
  const indice = new Map<string, number>();
  const cuartos = new Int32Array(etiquetasPorCuarto.length);
  etiquetasPorCuarto.forEach((e, k) => {
    let i = indice.get(e);
    if (i === undefined) indice.set(e, (i = indice.size));
    cuartos[k] = i;
  });
  return { base, cuartos, etiquetas: [...indice.keys()] };
}

/** The local hour slot of an instant, or -1 outside the span. */
export function slotDe(h: HorasLocales, t: number): number {
  const k = Math.floor((t - h.base) / CUARTO_MS);
  return k >= 0 && k < h.cuartos.length ? h.cuartos[k] : -1;
}

export { CUARTO_MS };

/** The order hours are listed in: by local hour, then by first interval. */
export function porHoraEInicio(a: ConsumoHorario, b: ConsumoHorario): number {
  return a.hora < b.hora ? -1 : a.hora > b.hora ? 1 : a.inicio - b.inicio;
}

/** A device's time in one local hour of a span: what coverage is measured against. */
export interface TiempoHorario {
  hora: string;
  /** The hour's first instant in the span, epoch ms. */
  inicio: number;
  /** Time of [desde, hasta) in that hour, ms (a repeated DST hour counts both). */
  ms: number;
}

/** The time of [desde, hasta) per local hour, from the span's HorasLocales. */
export function tiempoPorHora(h: HorasLocales, desde: number, hasta: number): TiempoHorario[] {
  const porSlot: TiempoHorario[] = [];
  for (let k = 0; k < h.cuartos.length; k++) {
    const a = Math.max(h.base + k * CUARTO_MS, desde);
    const b = Math.min(h.base + (k + 1) * CUARTO_MS, hasta);
    if (b <= a) continue;
    const slot = h.cuartos[k];
    const t = porSlot[slot];
    if (t) t.ms += b - a;
    else porSlot[slot] = { hora: h.etiquetas[slot], inicio: a, ms: b - a };
  }
  return porSlot.filter((t) => t !== undefined);
}

import type { Muestra } from '../energia/integracion';

/**
 * Data-quality findings over one device's readings (pure functions): what
 * an analyst checks before trusting a bill.
 */

export interface Hueco {
  variable: string;
  inicio: number;
  fin: number;
}

/** Consecutive readings further apart than `maxGapMs`. */
export function huecos(variable: string, m: Muestra[], maxGapMs: number): Hueco[] {
  const out: Hueco[] = [];
  for (let i = 1; i < m.length; i++) {
    if (m[i].t - m[i - 1].t > maxGapMs) out.push({ variable, inicio: m[i - 1].t, fin: m[i].t });
  }
  return out;
}

/** Runs of one unchanged value lasting longer than `minMs` (a stuck sensor). */
export function congelados(variable: string, m: Muestra[], minMs: number): Hueco[] {
  const out: Hueco[] = [];
  let desde = 0;
  for (let i = 1; i <= m.length; i++) {
    if (i < m.length && m[i].v === m[desde].v) continue;
    const fin = m[i - 1].t;
    if (i - 1 > desde && fin - m[desde].t > minMs) out.push({ variable, inicio: m[desde].t, fin });
    desde = i;
  }
  return out;
}

/** Readings outside nominal ± 10 %. */
export function fueraDeBanda(m: Muestra[], nominal: number): number {
  return m.filter((s) => s.v < nominal * 0.9 || s.v > nominal * 1.1).length;
}

/**
 * Energy per interval from a device's samples: pure functions, no I/O.
 * Times are epoch milliseconds (integers), so coverage is exact; energy is
 * kWh (or kVAh, apparent, when the power factor is unknown).
 *
 * Every source becomes pieces between consecutive samples. A piece longer
 * than `maxGapMs` is a gap: not integrated (a contador's may be estimated).
 * The energy of a piece is spread over it as the interpolation between its
 * ends says (uniformly for a register, linearly in power for samples), so
 * the energy of any sub-range is a pure function of the two samples around
 * it and splitting a period anywhere never changes its total.
 */

export interface Muestra {
  t: number;
  v: number;
}

/**
 * One variable's samples as two parallel arrays (times in epoch ms, values):
 * a month of readings is two allocations instead of 40,000 objects, which
 * kept the garbage collector busy and the process large.
 */
export interface Serie {
  readonly t: Float64Array;
  readonly v: Float64Array;
}

export const SERIE_VACIA: Serie = { t: new Float64Array(0), v: new Float64Array(0) };

export function serieDe(muestras: readonly Muestra[]): Serie {
  return {
    t: Float64Array.from(muestras, (m) => m.t),
    v: Float64Array.from(muestras, (m) => m.v),
  };
}

export function muestrasDe(s: Serie): Muestra[] {
  return Array.from(s.t, (t, k) => ({ t, v: s.v[k] }));
}

/** The samples of several series together (in the order given; the integration sorts). */
export function unirSeries(...series: Serie[]): Serie {
  const n = series.reduce((s, x) => s + x.t.length, 0);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  let o = 0;
  for (const x of series) {
    t.set(x.t, o);
    v.set(x.v, o);
    o += x.t.length;
  }
  return { t, v };
}

export type Fuente = 'contador' | 'potencia' | 'tension_corriente';
export type Calidad = 'real' | 'estimado' | 'faltante';
export type UnidadEnergia = 'kWh' | 'kVAh';

export interface Parametros {
  intervaloMs: number;
  /** A piece longer than this is a gap. */
  maxGapMs: number;
  /** V and I samples further apart than this are not paired. */
  toleranciaPareoMs: number;
  /** A contador drop up to this (kWh) is jitter, not a reset. */
  jitter: number;
  /** Fill a contador's gap linearly between its two sides (quality `estimado`). */
  estimarContador: boolean;
}

export interface Fuentes {
  /** A cumulative register; `aKwh` converts its unit (1 for kWh, 0.001 for Wh). */
  contador?: { muestras: Serie; aKwh: number };
  /** Sampled active power; `aKw` converts its unit (1 for kW, 0.001 for W). */
  potencia?: { muestras: Serie; aKw: number };
  tension?: Serie;
  corriente?: Serie;
  factorPotencia?: Serie;
  /** The device's configured power factor, used where no reading gives one. */
  factorPotenciaConfigurado?: number;
}

export interface Intervalo {
  inicio: number;
  fin: number;
  energia: number;
  /** null: no source had anything in this interval. */
  unidad: UnidadEnergia | null;
  fuente: Fuente | null;
  /** Fraction of the interval covered by real data, 0 to 1. */
  cobertura: number;
  calidad: Calidad;
}

export interface Reinicio {
  t: number;
  antes: number;
  despues: number;
}

const MS_POR_HORA = 3_600_000;
export const DIA_MS = 86_400_000;

/** The start (UTC midnight) of the day holding `t`. */
export const inicioDelDia = (t: number): number => Math.floor(t / DIA_MS) * DIA_MS;

/**
 * A register's pieces over [a, b), sorted and disjoint, in parallel arrays:
 * each a delta `e` (kWh) spread uniformly over it.
 */
class Tramos {
  n = 0;
  a: Float64Array;
  b: Float64Array;
  e: Float64Array;
  estimado: Uint8Array;

  constructor(capacidad: number) {
    this.a = new Float64Array(capacidad);
    this.b = new Float64Array(capacidad);
    this.e = new Float64Array(capacidad);
    this.estimado = new Uint8Array(capacidad);
  }

  agregar(a: number, b: number, estimado: boolean, e: number): void {
    const k = this.n++;
    this.a[k] = a;
    this.b[k] = b;
    this.estimado[k] = estimado ? 1 : 0;
    this.e[k] = e;
  }
}

/**
 * Sampled power (kW after `escala`) at instants `t`: the piece between two
 * consecutive points is linear (a trapezoid), unless it is longer than
 * `maxGapMs` or an end has no value (NaN): then it is not integrated. The
 * points are the pieces (no arrays of pieces: a month of a device is 43,200
 * of them, and their allocation kept the collector busy).
 */
interface Potencias {
  n: number;
  t: Float64Array;
  p: Float64Array;
  escala: number;
  maxGapMs: number;
}

const SIN_POTENCIAS: Potencias = {
  n: 0,
  t: new Float64Array(0),
  p: new Float64Array(0),
  escala: 1,
  maxGapMs: 0,
};

/** Finite samples in time order (usually already so: then no copy). */
function ordenada(s: Serie): Serie {
  const n = s.t.length;
  let finitas = true;
  let enOrden = true;
  for (let k = 0; k < n; k++) {
    if (!Number.isFinite(s.v[k])) finitas = false;
    if (k > 0 && s.t[k] < s.t[k - 1]) enOrden = false;
  }
  if (finitas && enOrden) return s;
  const orden: number[] = [];
  for (let k = 0; k < n; k++) if (Number.isFinite(s.v[k])) orden.push(k);
  if (!enOrden) orden.sort((x, y) => s.t[x] - s.t[y]); // stable: equal times keep their order
  return {
    t: Float64Array.from(orden, (k) => s.t[k]),
    v: Float64Array.from(orden, (k) => s.v[k]),
  };
}

/**
 * A register's pieces: the delta between consecutive readings; a drop beyond
 * the jitter is a reset (the register restarted from 0: the energy since is
 * the new value), a smaller drop is no consumption. Never negative.
 */
function tramosContador(
  muestras: Serie,
  aKwh: number,
  p: Pick<Parametros, 'maxGapMs' | 'jitter' | 'estimarContador'>,
): { tramos: Tramos; reinicios: Reinicio[] } {
  const { t, v } = ordenada(muestras);
  const tramos = new Tramos(Math.max(0, t.length - 1));
  const reinicios: Reinicio[] = [];
  for (let i = 1; i < t.length; i++) {
    const d = v[i] - v[i - 1];
    let e = d;
    if (d * aKwh < -p.jitter) {
      e = Math.max(0, v[i]);
      reinicios.push({ t: t[i], antes: v[i - 1], despues: v[i] });
    } else if (d < 0) e = 0;
    const gap = t[i] - t[i - 1] > p.maxGapMs;
    if (gap && !p.estimarContador) continue;
    tramos.agregar(t[i - 1], t[i], gap, e * aKwh);
  }
  return { tramos, reinicios };
}

/** Sampled power as pieces between consecutive samples. */
function potenciasMuestreadas(muestras: Serie, aKw: number, maxGapMs: number): Potencias {
  const { t, v } = ordenada(muestras);
  return { n: t.length, t, p: v, escala: aKw, maxGapMs };
}

/** The first index of sorted `t` at or after `x` (`desde`: a known lower bound). */
function primeroDesde(t: Float64Array, x: number, desde: number): number {
  let k = desde;
  while (k < t.length && t[k] < x) k++;
  return k;
}

/**
 * The index of the sample of `serie` nearest to `t` within `tolerancia` (the
 * earlier on a tie), or -1.
 */
export function masCercana(serie: Serie, t: number, tolerancia: number): number {
  return masCercanaEn(serie.t, t, tolerancia, primeroDesde(serie.t, t, 0));
}

/** The nearest to `t` of ts[lo - 1] and ts[lo] (`lo`: the first at or after `t`), within the tolerance. */
function masCercanaEn(ts: Float64Array, t: number, tolerancia: number, lo: number): number {
  const da = lo > 0 ? t - ts[lo - 1] : Infinity;
  const dd = lo < ts.length ? ts[lo] - t : Infinity;
  const mejor = dd < da ? lo : lo - 1;
  return Math.min(da, dd) <= tolerancia ? mejor : -1;
}

/**
 * P = V · I · PF (kW) at each voltage sample paired with the current sample
 * nearest in time (within the tolerance). PF: the latest power-factor reading
 * (no older than maxGap), else the configured one, else unknown: the piece
 * then only has an apparent power (PF = 1). Walks V, I and PF together (all
 * sorted), so pairing is linear in the samples.
 */
function tramosTensionCorriente(
  f: Pick<Fuentes, 'tension' | 'corriente' | 'factorPotencia' | 'factorPotenciaConfigurado'>,
  p: Pick<Parametros, 'maxGapMs' | 'toleranciaPareoMs'>,
): { activa: Potencias; aparente: Potencias; todasActivas: boolean } {
  const v = ordenada(f.tension ?? SERIE_VACIA);
  const i = ordenada(f.corriente ?? SERIE_VACIA);
  const fp = ordenada(f.factorPotencia ?? SERIE_VACIA);
  const n = v.t.length;
  // no power factor anywhere: no active power (spares a month-sized allocation)
  const conFp = fp.t.length > 0 || f.factorPotenciaConfigurado !== undefined;
  const pt = new Float64Array(n);
  const ps = new Float64Array(n); // apparent
  const pa = new Float64Array(conFp ? n : 0); // active; NaN: no power factor known
  let m = 0;
  let ki = 0;
  let kf = 0;
  for (let k = 0; k < n; k++) {
    const t = v.t[k];
    ki = primeroDesde(i.t, t, ki);
    const c = masCercanaEn(i.t, t, p.toleranciaPareoMs, ki);
    if (c < 0) continue;
    // the last power-factor reading at or before t, no older than maxGap
    while (kf < fp.t.length && fp.t[kf] <= t) kf++;
    const leido = kf > 0 && t - fp.t[kf - 1] <= p.maxGapMs ? fp.v[kf - 1] : undefined;
    const pf = leido !== undefined ? Math.min(1, Math.max(0, leido)) : f.factorPotenciaConfigurado;
    pt[m] = t;
    ps[m] = (v.v[k] * i.v[c]) / 1000;
    if (conFp) pa[m] = pf === undefined ? NaN : ps[m] * pf;
    m++;
  }
  let todasActivas = conFp;
  let piezas = 0;
  for (let k = 1; k < m; k++) {
    if (pt[k] - pt[k - 1] > p.maxGapMs) continue;
    piezas++;
    if (conFp && (Number.isNaN(pa[k - 1]) || Number.isNaN(pa[k]))) todasActivas = false;
  }
  const aparente: Potencias = { n: m, t: pt, p: ps, escala: 1, maxGapMs: p.maxGapMs };
  const activa: Potencias = conFp ? { ...aparente, p: pa } : SIN_POTENCIAS;
  return { activa, aparente, todasActivas: todasActivas && piezas > 0 };
}

interface Suma {
  energia: number;
  real: number;
  estimado: number;
}

/** A register's energy and covered time in [a, b); `cursor.i`: the first piece that may reach it (advances). */
function sumarTramos(tramos: Tramos, a: number, b: number, cursor: { i: number }): Suma {
  const suma: Suma = { energia: 0, real: 0, estimado: 0 };
  // pieces are sorted and disjoint: skip the ones that ended before this interval
  while (cursor.i < tramos.n && tramos.b[cursor.i] <= a) cursor.i++;
  for (let k = cursor.i; k < tramos.n && tramos.a[k] < b; k++) {
    const x = Math.max(a, tramos.a[k]);
    const y = Math.min(b, tramos.b[k]);
    if (y <= x) continue;
    suma.energia += (tramos.e[k] * (y - x)) / (tramos.b[k] - tramos.a[k]);
    if (tramos.estimado[k]) suma.estimado += y - x;
    else suma.real += y - x;
  }
  return suma;
}

/** Sampled power's energy (trapezoids) and covered time in [a, b); `cursor.i` as above, a point's index. */
function sumarPotencias(s: Potencias, a: number, b: number, cursor: { i: number }): Suma {
  const suma: Suma = { energia: 0, real: 0, estimado: 0 };
  const { t, p, escala } = s;
  // the piece ending at point k is [t[k - 1], t[k]]: skip the ones that ended before a
  while (cursor.i < s.n && t[cursor.i] <= a) cursor.i++;
  for (let k = Math.max(cursor.i, 1); k < s.n && t[k - 1] < b; k++) {
    const ta = t[k - 1];
    const largo = t[k] - ta;
    const pa = p[k - 1] * escala;
    const pb = p[k] * escala;
    if (largo > s.maxGapMs || Number.isNaN(pa) || Number.isNaN(pb)) continue;
    const x = Math.max(a, ta);
    const y = Math.min(b, t[k]);
    if (y <= x) continue;
    const pendiente = pb - pa;
    const px = pa + (pendiente * (x - ta)) / largo;
    const py = pa + (pendiente * (y - ta)) / largo;
    suma.energia += (((px + py) / 2) * (y - x)) / MS_POR_HORA;
    suma.real += y - x;
  }
  return suma;
}

/** Interval starts from `desde` (aligned down to the interval) up to `hasta`. */
function intervalosEntre(desde: number, hasta: number, intervaloMs: number): number[] {
  const inicios: number[] = [];
  for (let t = Math.floor(desde / intervaloMs) * intervaloMs; t < hasta; t += intervaloMs) {
    inicios.push(t);
  }
  return inicios;
}

/**
 * Every interval of [desde, hasta) from the best source with data in it:
 * contador, then sampled power, then V·I·PF.
 */
export function calcularIntervalos(
  fuentes: Fuentes,
  desde: number,
  hasta: number,
  p: Parametros,
): { intervalos: Intervalo[]; reinicios: Reinicio[] } {
  const contador = fuentes.contador
    ? tramosContador(fuentes.contador.muestras, fuentes.contador.aKwh, p)
    : { tramos: new Tramos(0), reinicios: [] };
  const potencia = fuentes.potencia
    ? potenciasMuestreadas(fuentes.potencia.muestras, fuentes.potencia.aKw, p.maxGapMs)
    : SIN_POTENCIAS;
  const vi = tramosTensionCorriente(fuentes, p);
  const indices = { c: { i: 0 }, p: { i: 0 }, a: { i: 0 }, s: { i: 0 } };
  const intervalos: Intervalo[] = [];
  for (const inicio of intervalosEntre(desde, hasta, p.intervaloMs)) {
    const fin = inicio + p.intervaloMs;
    let elegido: { suma: Suma; fuente: Fuente; unidad: UnidadEnergia } | undefined;
    const c = sumarTramos(contador.tramos, inicio, fin, indices.c);
    if (c.real + c.estimado > 0) elegido = { suma: c, fuente: 'contador', unidad: 'kWh' };
    if (!elegido) {
      const s = sumarPotencias(potencia, inicio, fin, indices.p);
      if (s.real > 0) elegido = { suma: s, fuente: 'potencia', unidad: 'kWh' };
    }
    if (!elegido) {
      const ap = sumarPotencias(vi.aparente, inicio, fin, indices.s);
      if (ap.real > 0) {
        // kWh only if every piece in this interval had a power factor
        const ac = sumarPotencias(vi.activa, inicio, fin, indices.a);
        const completa = vi.todasActivas || ac.real === ap.real;
        elegido = completa
          ? { suma: ac, fuente: 'tension_corriente', unidad: 'kWh' }
          : { suma: ap, fuente: 'tension_corriente', unidad: 'kVAh' };
      }
    }
    if (!elegido) {
      intervalos.push({
        inicio,
        fin,
        energia: 0,
        unidad: null,
        fuente: null,
        cobertura: 0,
        calidad: 'faltante',
      });
      continue;
    }
    const { suma } = elegido;
    const cobertura = suma.real / p.intervaloMs;
    const calidad: Calidad =
      suma.real === p.intervaloMs ? 'real' : suma.estimado > 0 ? 'estimado' : 'faltante';
    intervalos.push({
      inicio,
      fin,
      energia: suma.energia,
      unidad: elegido.unidad,
      fuente: elegido.fuente,
      cobertura,
      calidad,
    });
  }
  const reinicios = contador.reinicios.filter((r) => r.t >= desde && r.t < hasta);
  return { intervalos, reinicios };
}

const DE_POTENCIA = new Set<Fuente | null>(['potencia', 'tension_corriente', null]);

/**
 * Sampled power's estimate (ESTIMACION_POTENCIA=semanas): the uncovered
 * share of an interval is filled with the mean energy of the same interval
 * on the last 7 same weekdays that were fully covered (`real`) in the same
 * unit. `referencia` holds those days' intervals computed from their
 * readings alone, so an estimate never depends on another estimate or on
 * the order days were computed in. A contador's intervals are left alone.
 */
export function estimarPorSemanas(
  objetivo: Intervalo[],
  referencia: Map<number, Intervalo>,
): Intervalo[] {
  return objetivo.map((i) => {
    if (i.cobertura >= 1 || !DE_POTENCIA.has(i.fuente)) return i;
    const refs: Intervalo[] = [];
    for (let k = 1; k <= 7; k++) {
      const r = referencia.get(i.inicio - k * 7 * DIA_MS);
      if (
        r &&
        r.calidad === 'real' &&
        r.fuente !== 'contador' &&
        (i.unidad === null || r.unidad === i.unidad)
      ) {
        refs.push(r);
      }
    }
    if (refs.length === 0) return i;
    const media = refs.reduce((s, r) => s + r.energia, 0) / refs.length;
    return {
      ...i,
      energia: i.energia + (1 - i.cobertura) * media,
      unidad: i.unidad ?? refs[0].unidad,
      fuente: i.fuente ?? refs[0].fuente,
      calidad: 'estimado',
    };
  });
}

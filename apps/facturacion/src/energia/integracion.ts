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
  contador?: { muestras: Muestra[]; aKwh: number };
  /** Sampled active power; `aKw` converts its unit (1 for kW, 0.001 for W). */
  potencia?: { muestras: Muestra[]; aKw: number };
  tension?: Muestra[];
  corriente?: Muestra[];
  factorPotencia?: Muestra[];
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

/** Energy over [a, b): uniform (a register's delta) or trapezoidal (power in kW). */
interface Tramo {
  a: number;
  b: number;
  estimado: boolean;
  /** kWh over the whole piece (uniform), or undefined for a power piece. */
  e?: number;
  pa: number;
  pb: number;
}

const MS_POR_HORA = 3_600_000;
export const DIA_MS = 86_400_000;

/** The start (UTC midnight) of the day holding `t`. */
export const inicioDelDia = (t: number): number => Math.floor(t / DIA_MS) * DIA_MS;

/** Energy (kWh) of a piece over [x, y] ⊆ [a, b]. */
export function energiaEntre(tramo: Tramo, x: number, y: number): number {
  if (y <= x) return 0;
  const largo = tramo.b - tramo.a;
  if (tramo.e !== undefined) return (tramo.e * (y - x)) / largo;
  const p = (t: number): number => tramo.pa + ((tramo.pb - tramo.pa) * (t - tramo.a)) / largo;
  return (((p(x) + p(y)) / 2) * (y - x)) / MS_POR_HORA;
}

/** Finite samples in time order (usually already so: then no sort). */
function ordenadas(m: Muestra[]): Muestra[] {
  const finitas = m.every((s) => Number.isFinite(s.v)) ? m : m.filter((s) => Number.isFinite(s.v));
  for (let i = 1; i < finitas.length; i++) {
    if (finitas[i].t < finitas[i - 1].t) return [...finitas].sort((x, y) => x.t - y.t);
  }
  return finitas;
}

/**
 * A register's pieces: the delta between consecutive readings; a drop beyond
 * the jitter is a reset (the register restarted from 0: the energy since is
 * the new value), a smaller drop is no consumption. Never negative.
 */
export function tramosContador(
  muestras: Muestra[],
  aKwh: number,
  p: Pick<Parametros, 'maxGapMs' | 'jitter' | 'estimarContador'>,
): { tramos: Tramo[]; reinicios: Reinicio[] } {
  const s = ordenadas(muestras);
  const tramos: Tramo[] = [];
  const reinicios: Reinicio[] = [];
  for (let i = 1; i < s.length; i++) {
    const [x, y] = [s[i - 1], s[i]];
    const d = y.v - x.v;
    let e = d;
    if (d * aKwh < -p.jitter) {
      e = Math.max(0, y.v);
      reinicios.push({ t: y.t, antes: x.v, despues: y.v });
    } else if (d < 0) e = 0;
    const gap = y.t - x.t > p.maxGapMs;
    if (gap && !p.estimarContador) continue;
    tramos.push({ a: x.t, b: y.t, estimado: gap, e: e * aKwh, pa: 0, pb: 0 });
  }
  return { tramos, reinicios };
}

/** Power pieces (kW, trapezoidal) between consecutive samples, gaps left out. */
export function tramosPotencia(muestras: Muestra[], aKw: number, maxGapMs: number): Tramo[] {
  const s = ordenadas(muestras);
  const tramos: Tramo[] = [];
  for (let i = 1; i < s.length; i++) {
    const [x, y] = [s[i - 1], s[i]];
    if (y.t - x.t > maxGapMs) continue;
    tramos.push({ a: x.t, b: y.t, estimado: false, pa: x.v * aKw, pb: y.v * aKw });
  }
  return tramos;
}

/** The sample of `serie` nearest to `t` within `tolerancia` (the earlier on a tie), by binary search. */
export function masCercana(serie: Muestra[], t: number, tolerancia: number): Muestra | undefined {
  let lo = 0;
  let hi = serie.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (serie[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  const antes = lo > 0 ? serie[lo - 1] : undefined;
  const despues = lo < serie.length ? serie[lo] : undefined;
  const da = antes ? t - antes.t : Infinity;
  const dd = despues ? despues.t - t : Infinity;
  const mejor = dd < da ? despues : antes;
  return mejor && Math.min(da, dd) <= tolerancia ? mejor : undefined;
}

/** The last sample at or before `t`, no older than `edad`. */
function vigente(serie: Muestra[], t: number, edad: number): Muestra | undefined {
  let lo = 0;
  let hi = serie.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (serie[mid].t <= t) lo = mid + 1;
    else hi = mid;
  }
  const s = lo > 0 ? serie[lo - 1] : undefined;
  return s && t - s.t <= edad ? s : undefined;
}

/**
 * P = V · I · PF (kW) at each voltage sample paired with the current sample
 * nearest in time (within the tolerance). PF: the latest power-factor reading
 * (no older than maxGap), else the configured one, else unknown: the piece
 * then only has an apparent power (PF = 1).
 */
export function tramosTensionCorriente(
  f: Pick<Fuentes, 'tension' | 'corriente' | 'factorPotencia' | 'factorPotenciaConfigurado'>,
  p: Pick<Parametros, 'maxGapMs' | 'toleranciaPareoMs'>,
): { activa: Array<Tramo | undefined>; aparente: Tramo[] } {
  const v = ordenadas(f.tension ?? []);
  const i = ordenadas(f.corriente ?? []);
  const fp = ordenadas(f.factorPotencia ?? []);
  const puntos: Array<{ t: number; s: number; pf?: number }> = [];
  for (const m of v) {
    const c = masCercana(i, m.t, p.toleranciaPareoMs);
    if (!c) continue;
    const leido = vigente(fp, m.t, p.maxGapMs)?.v;
    const pf = leido !== undefined ? Math.min(1, Math.max(0, leido)) : f.factorPotenciaConfigurado;
    puntos.push({ t: m.t, s: (m.v * c.v) / 1000, pf });
  }
  const activa: Array<Tramo | undefined> = [];
  const aparente: Tramo[] = [];
  for (let k = 1; k < puntos.length; k++) {
    const [x, y] = [puntos[k - 1], puntos[k]];
    if (y.t - x.t > p.maxGapMs) continue;
    aparente.push({ a: x.t, b: y.t, estimado: false, pa: x.s, pb: y.s });
    activa.push(
      x.pf !== undefined && y.pf !== undefined
        ? { a: x.t, b: y.t, estimado: false, pa: x.s * x.pf, pb: y.s * y.pf }
        : undefined,
    );
  }
  return { activa, aparente };
}

interface Suma {
  energia: number;
  real: number;
  estimado: number;
}

function sumar(tramos: Tramo[], a: number, b: number, desdeIndice: { i: number }): Suma {
  const suma: Suma = { energia: 0, real: 0, estimado: 0 };
  // pieces are sorted and disjoint: skip the ones that ended before this interval
  while (desdeIndice.i < tramos.length && tramos[desdeIndice.i].b <= a) desdeIndice.i++;
  for (let k = desdeIndice.i; k < tramos.length && tramos[k].a < b; k++) {
    const t = tramos[k];
    const x = Math.max(a, t.a);
    const y = Math.min(b, t.b);
    if (y <= x) continue;
    suma.energia += energiaEntre(t, x, y);
    if (t.estimado) suma.estimado += y - x;
    else suma.real += y - x;
  }
  return suma;
}

/** Interval starts from `desde` (aligned down to the interval) up to `hasta`. */
export function intervalosEntre(desde: number, hasta: number, intervaloMs: number): number[] {
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
    : { tramos: [], reinicios: [] };
  const potencia = fuentes.potencia
    ? tramosPotencia(fuentes.potencia.muestras, fuentes.potencia.aKw, p.maxGapMs)
    : [];
  const vi = tramosTensionCorriente(fuentes, p);
  const activa = vi.activa.filter((t): t is Tramo => t !== undefined);
  const todasActivas = vi.activa.length > 0 && activa.length === vi.activa.length;
  const indices = { c: { i: 0 }, p: { i: 0 }, a: { i: 0 }, s: { i: 0 } };
  const intervalos: Intervalo[] = [];
  for (const inicio of intervalosEntre(desde, hasta, p.intervaloMs)) {
    const fin = inicio + p.intervaloMs;
    let elegido: { suma: Suma; fuente: Fuente; unidad: UnidadEnergia } | undefined;
    const c = sumar(contador.tramos, inicio, fin, indices.c);
    if (c.real + c.estimado > 0) elegido = { suma: c, fuente: 'contador', unidad: 'kWh' };
    if (!elegido) {
      const s = sumar(potencia, inicio, fin, indices.p);
      if (s.real > 0) elegido = { suma: s, fuente: 'potencia', unidad: 'kWh' };
    }
    if (!elegido) {
      const ap = sumar(vi.aparente, inicio, fin, indices.s);
      if (ap.real > 0) {
        // kWh only if every piece in this interval had a power factor
        const ac = sumar(activa, inicio, fin, indices.a);
        const completa = todasActivas || ac.real === ap.real;
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

/**
 * One bucket of a series (a pixel column): how many readings it holds, its
 * first and last, and its extremes, each with its instant (epoch ms).
 */
export interface Cubeta {
  n: number;
  t0: number;
  v0: number;
  t1: number;
  v1: number;
  tMin: number;
  vMin: number;
  tMax: number;
  vMax: number;
}

/** A plot's columns: instants and values, `null` where the line must break (a gap). */
export interface Columnas {
  t: number[];
  v: (number | null)[];
}

const mediana = (xs: number[]): number | undefined => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * The points to draw from buckets in time order (M4: first, minimum,
 * maximum, last of each, so every peak survives), at most four a bucket,
 * without repeats; a `null` between two points farther apart than a gap
 * (twice the bucket, or 2.5 times the usual interval between readings when
 * that is longer), so a line never crosses a gap. A gap spans at least one
 * empty bucket, so the points never outnumber 4 × the buckets.
 */
export function reducir(cubetas: Cubeta[], anchoMs: number): Columnas {
  const intervalos = cubetas.filter((c) => c.n > 1).map((c) => (c.t1 - c.t0) / (c.n - 1));
  const puntos: [number, number][] = [];
  for (const c of cubetas) {
    const cuatro: [number, number][] = [
      [c.t0, c.v0],
      [c.tMin, c.vMin],
      [c.tMax, c.vMax],
      [c.t1, c.v1],
    ];
    cuatro.sort((a, b) => a[0] - b[0]);
    for (const p of cuatro) {
      const ultimo = puntos.at(-1);
      if (!ultimo || ultimo[0] !== p[0]) puntos.push(p);
    }
  }
  const usual =
    mediana(intervalos) ?? mediana(puntos.slice(1).map((p, i) => p[0] - puntos[i][0])) ?? 0;
  const hueco = Math.max(2 * anchoMs, 2.5 * usual);
  const columnas: Columnas = { t: [], v: [] };
  puntos.forEach(([t, v], i) => {
    if (i > 0 && t - puntos[i - 1][0] > hueco) {
      columnas.t.push(Math.round((t + puntos[i - 1][0]) / 2));
      columnas.v.push(null);
    }
    columnas.t.push(t);
    columnas.v.push(v);
  });
  return columnas;
}

/** Buckets for `puntos` points over [desde, hasta): a whole number of ms each, at least 1. */
export function anchoDeCubeta(desde: number, hasta: number, puntos: number): number {
  return Math.max(1, Math.ceil((hasta - desde) / Math.max(1, Math.floor(puntos / 4))));
}

import { anchoDeCubeta, Cubeta, reducir } from './reducir';

/** Buckets of `ancho` ms over readings given as [ms, value], as the SQL aggregate makes them. */
function cubetas(lecturas: [number, number][], ancho: number): Cubeta[] {
  const porCubeta = new Map<number, [number, number][]>();
  for (const l of lecturas) {
    const b = Math.floor(l[0] / ancho);
    porCubeta.set(b, [...(porCubeta.get(b) ?? []), l]);
  }
  return [...porCubeta.keys()]
    .sort((a, b) => a - b)
    .map((b) => {
      const ls = porCubeta.get(b)!;
      const min = ls.reduce((m, l) => (l[1] < m[1] ? l : m));
      const max = ls.reduce((m, l) => (l[1] > m[1] ? l : m));
      return {
        n: ls.length,
        t0: ls[0][0],
        v0: ls[0][1],
        t1: ls.at(-1)![0],
        v1: ls.at(-1)![1],
        tMin: min[0],
        vMin: min[1],
        tMax: max[0],
        vMax: max[1],
      };
    });
}

const MIN = 60_000;
/** A year of one-minute readings: a slow wave, one spike up and one down, a week and a day missing. */
const anio = (): [number, number][] => {
  const out: [number, number][] = [];
  for (let i = 0; i < 525_600; i++) {
    if (i >= 100_000 && i < 110_080) continue; // a week missing
    if (i >= 200_000 && i < 201_440) continue; // a day missing
    const v = i === 300_000 ? 500 : i === 400_000 ? -80 : 220 + 5 * Math.sin(i / 5000);
    out.push([i * MIN, v]);
  }
  return out;
};

describe('reducir (the downsampled series)', () => {
  const datos = anio();
  const ancho = anchoDeCubeta(0, 525_600 * MIN, 1000);
  const r = reducir(cubetas(datos, ancho), ancho);

  it('respects the point budget, nulls included', () => {
    expect(r.t.length).toBeLessThanOrEqual(1000);
    expect(r.v).toHaveLength(r.t.length);
    // a smooth wave: a bucket's extremes are mostly its first and last
    expect(r.t.length).toBeGreaterThanOrEqual(2 * 249);
  });

  it('keeps the peaks, each at its instant', () => {
    const max = Math.max(...r.v.filter((v): v is number => v !== null));
    const min = Math.min(...r.v.filter((v): v is number => v !== null));
    expect([max, r.t[r.v.indexOf(500)]]).toEqual([500, 300_000 * MIN]);
    expect([min, r.t[r.v.indexOf(-80)]]).toEqual([-80, 400_000 * MIN]);
  });

  it('breaks the line at the missing week; the missing day, narrower than a bucket, once zoomed in', () => {
    const nulos = (c: { t: number[]; v: (number | null)[] }) =>
      c.t.filter((_, i) => c.v[i] === null);
    expect(nulos(r)).toHaveLength(1);
    expect(nulos(r)[0]).toBeGreaterThan(99_999 * MIN);
    expect(nulos(r)[0]).toBeLessThan(110_080 * MIN);
    // a month around the missing day: 3-hour buckets
    const mes = datos.filter(([t]) => t >= 190_000 * MIN && t < 233_200 * MIN);
    const a = anchoDeCubeta(190_000 * MIN, 233_200 * MIN, 1000);
    const zoom = reducir(cubetas(mes, a), a);
    expect(zoom.t.length).toBeLessThanOrEqual(1000);
    expect(nulos(zoom)).toHaveLength(1);
    expect(nulos(zoom)[0]).toBeGreaterThan(199_999 * MIN);
    expect(nulos(zoom)[0]).toBeLessThan(201_440 * MIN);
  });

  it('keeps time order, every point inside the range', () => {
    expect(r.t.every((t, i) => i === 0 || t > r.t[i - 1])).toBe(true);
    expect(r.t[0]).toBe(0);
    expect(r.t.at(-1)).toBe(525_599 * MIN);
  });

  it('returns raw readings when they are fewer than the buckets, breaking at gaps', () => {
    const pocos: [number, number][] = [
      [0, 1],
      [MIN, 2],
      [2 * MIN, 3],
      [10 * MIN, 4],
      [11 * MIN, 5],
    ];
    const a = anchoDeCubeta(0, 12 * MIN, 1000);
    expect(reducir(cubetas(pocos, a), a)).toEqual({
      t: [0, MIN, 2 * MIN, 6 * MIN, 10 * MIN, 11 * MIN],
      v: [1, 2, 3, null, 4, 5],
    });
  });

  it('answers an empty series with no points, and one reading with one', () => {
    expect(reducir([], 1000)).toEqual({ t: [], v: [] });
    expect(reducir(cubetas([[5, 7]], 1000), 1000)).toEqual({ t: [5], v: [7] });
  });

  it('draws a flat bucket once, and its buckets never below one millisecond', () => {
    const planos: [number, number][] = [
      [0, 3],
      [1, 3],
      [2, 3],
    ];
    expect(reducir(cubetas(planos, 10), 10)).toEqual({ t: [0, 2], v: [3, 3] });
    expect(anchoDeCubeta(0, 10, 1000)).toBe(1);
  });
});

import fc from 'fast-check';
import {
  calcularIntervalos,
  estimarPorSemanas,
  Fuentes,
  masCercana,
  Muestra,
  Parametros,
  serieDe,
} from './integracion';

/** Sources written as sample objects, for readable cases. */
interface Crudas {
  contador?: { muestras: Muestra[]; aKwh: number };
  potencia?: { muestras: Muestra[]; aKw: number };
  tension?: Muestra[];
  corriente?: Muestra[];
  factorPotencia?: Muestra[];
  factorPotenciaConfigurado?: number;
}
const fuentesDe = (c: Crudas): Fuentes => ({
  ...(c.contador && { contador: { ...c.contador, muestras: serieDe(c.contador.muestras) } }),
  ...(c.potencia && { potencia: { ...c.potencia, muestras: serieDe(c.potencia.muestras) } }),
  ...(c.tension && { tension: serieDe(c.tension) }),
  ...(c.corriente && { corriente: serieDe(c.corriente) }),
  ...(c.factorPotencia && { factorPotencia: serieDe(c.factorPotencia) }),
  factorPotenciaConfigurado: c.factorPotenciaConfigurado,
});
const calcular = (c: Crudas, desde: number, hasta: number, p: Parametros) =>
  calcularIntervalos(fuentesDe(c), desde, hasta, p);

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2025, 0, 6); // a Monday, 00:00 UTC
const p: Parametros = {
  intervaloMs: 15 * MIN,
  maxGapMs: 30 * MIN,
  toleranciaPareoMs: MIN,
  jitter: 0.01,
  estimarContador: true,
};
const runs = Number(process.env.FUZZ_RUNS ?? 300);
const total = (xs: { energia: number }[]) => xs.reduce((s, x) => s + x.energia, 0);

describe('calcularIntervalos', () => {
  it('a contador: the delta spread over its piece, boundaries interpolated', () => {
    // 100 kWh at 00:00, 106 at 01:30: 4 kWh per hour, 1 per 15 minutes
    const f: Crudas = {
      contador: {
        aKwh: 1,
        muestras: [
          { t: T0, v: 100 },
          { t: T0 + 1.5 * H, v: 106 },
        ],
      },
    };
    const { intervalos } = calcular(f, T0, T0 + H, { ...p, maxGapMs: 2 * H });
    expect(intervalos.map((i) => i.energia)).toEqual([1, 1, 1, 1]);
    expect(intervalos.every((i) => i.calidad === 'real' && i.cobertura === 1)).toBe(true);
    expect(intervalos[0]).toMatchObject({ unidad: 'kWh', fuente: 'contador' });
  });

  it('a reset starts a new cycle (no negative energy, recorded); a jitter is no consumption', () => {
    const f: Crudas = {
      contador: {
        aKwh: 1,
        muestras: [
          { t: T0, v: 50 },
          { t: T0 + 15 * MIN, v: 49.995 }, // jitter (≤ 0.01): 0
          { t: T0 + 30 * MIN, v: 2 }, // reset: 2 kWh since it restarted from 0
          { t: T0 + 45 * MIN, v: 3 },
        ],
      },
    };
    const { intervalos, reinicios } = calcular(f, T0, T0 + 45 * MIN, p);
    expect(intervalos.map((i) => i.energia)).toEqual([0, 2, 1]);
    expect(reinicios).toEqual([{ t: T0 + 30 * MIN, antes: 49.995, despues: 2 }]);
  });

  it('a gap longer than maxGap is missing, or estimated linearly for a contador when asked', () => {
    const muestras = [
      { t: T0, v: 0 },
      { t: T0 + 15 * MIN, v: 1 },
      { t: T0 + H + 15 * MIN, v: 5 }, // 60 minutes later: a gap
    ];
    const sin = calcular({ contador: { aKwh: 1, muestras } }, T0, T0 + 75 * MIN, {
      ...p,
      estimarContador: false,
    }).intervalos;
    expect(sin.map((i) => i.calidad)).toEqual([
      'real',
      'faltante',
      'faltante',
      'faltante',
      'faltante',
    ]);
    const con = calcular({ contador: { aKwh: 1, muestras } }, T0, T0 + 75 * MIN, p).intervalos;
    expect(con.map((i) => [i.calidad, i.energia, i.cobertura])).toEqual([
      ['real', 1, 1],
      ['estimado', 1, 0],
      ['estimado', 1, 0],
      ['estimado', 1, 0],
      ['estimado', 1, 0],
    ]);
  });

  it('sampled power: trapezoids (1 kW rising to 3 kW over an hour = 2 kWh)', () => {
    const f: Crudas = {
      potencia: {
        aKw: 0.001,
        muestras: Array.from({ length: 5 }, (_, k) => ({
          t: T0 + k * 15 * MIN,
          v: 1000 + 500 * k,
        })),
      },
    };
    const { intervalos } = calcular(f, T0, T0 + H, p);
    expect(intervalos.map((i) => i.energia)).toEqual([0.3125, 0.4375, 0.5625, 0.6875]);
    expect(total(intervalos)).toBe(2);
  });

  it('V and I sampled at different instants are paired within the tolerance; PF gives kWh, none kVAh', () => {
    const tension = Array.from({ length: 5 }, (_, k) => ({ t: T0 + k * 15 * MIN, v: 230 }));
    const corriente = tension.map((s) => ({ t: s.t + 20_000, v: 10 })); // 20 s later
    const aparente = calcular({ tension, corriente }, T0, T0 + H, p).intervalos;
    expect(aparente.map((i) => [i.unidad, i.energia])).toEqual(
      Array(4).fill(['kVAh', 0.575]), // 2.3 kVA × 0.25 h
    );
    const factorPotencia = [{ t: T0 - MIN, v: 0.9 }, ...tension.map((s) => ({ t: s.t, v: 0.9 }))];
    const activa = calcular({ tension, corriente, factorPotencia }, T0, T0 + H, p).intervalos;
    expect(activa.map((i) => i.unidad)).toEqual(Array(4).fill('kWh'));
    expect(activa[0].energia).toBeCloseTo(0.5175, 12);
    const configurado = calcular(
      { tension, corriente, factorPotenciaConfigurado: 0.8 },
      T0,
      T0 + H,
      p,
    ).intervalos;
    expect(configurado[0]).toMatchObject({ unidad: 'kWh' });
    expect(configurado[0].energia).toBeCloseTo(0.46, 12);
  });

  it('does not pair samples further apart than the tolerance', () => {
    expect(masCercana(serieDe([{ t: 0, v: 1 }]), MIN + 1, MIN)).toBe(-1);
    const dos = serieDe([
      { t: 0, v: 1 },
      { t: 2 * MIN, v: 2 },
    ]);
    expect(masCercana(dos, MIN, MIN)).toBe(0); // a tie: the earlier
    expect(masCercana(dos, MIN + 1, MIN)).toBe(1);
  });

  it('prefers a contador to power to V·I, interval by interval', () => {
    const muestrasV = Array.from({ length: 9 }, (_, k) => ({ t: T0 + k * 15 * MIN, v: 230 }));
    const f: Crudas = {
      tension: muestrasV,
      corriente: muestrasV.map((s) => ({ t: s.t, v: 1 })),
      contador: {
        aKwh: 1,
        muestras: [
          { t: T0 + H, v: 0 },
          { t: T0 + 2 * H, v: 4 },
        ],
      },
    };
    const { intervalos } = calcular(f, T0, T0 + 2 * H, p);
    expect(intervalos.map((i) => i.fuente)).toEqual([
      ...Array(4).fill('tension_corriente'),
      ...Array(4).fill('contador'),
    ]);
  });

  const muestra = (desde: number, hasta: number) =>
    fc.record({
      t: fc.integer({ min: desde, max: hasta }),
      v: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    });
  const unicas = (xs: { t: number; v: number }[]) => [...new Map(xs.map((x) => [x.t, x])).values()];
  const fuentes = fc.record({
    contador: fc.option(fc.array(muestra(T0 - H, T0 + 25 * H), { maxLength: 60 }), {
      nil: undefined,
    }),
    potencia: fc.option(fc.array(muestra(T0 - H, T0 + 25 * H), { maxLength: 60 }), {
      nil: undefined,
    }),
    tension: fc.array(muestra(T0 - H, T0 + 25 * H), { maxLength: 60 }),
    corriente: fc.array(muestra(T0 - H, T0 + 25 * H), { maxLength: 60 }),
  });
  const armar = (r: {
    contador?: { t: number; v: number }[];
    potencia?: { t: number; v: number }[];
    tension: { t: number; v: number }[];
    corriente: { t: number; v: number }[];
  }): Crudas => ({
    ...(r.contador && { contador: { aKwh: 1, muestras: unicas(r.contador) } }),
    ...(r.potencia && { potencia: { aKw: 1, muestras: unicas(r.potencia) } }),
    tension: unicas(r.tension),
    corriente: unicas(r.corriente),
  });

  it('splitting a period at any interval boundary never changes its total', () => {
    fc.assert(
      fc.property(fuentes, fc.integer({ min: 1, max: 95 }), (r, corte) => {
        const f = armar(r);
        const entero = total(calcular(f, T0, T0 + 24 * H, p).intervalos);
        const mitad = T0 + corte * 15 * MIN;
        const partido =
          total(calcular(f, T0, mitad, p).intervalos) +
          total(calcular(f, mitad, T0 + 24 * H, p).intervalos);
        return Math.abs(partido - entero) <= 1e-9 * Math.max(1, Math.abs(entero));
      }),
      { numRuns: runs },
    );
  });

  it.each(['contador', 'potencia', 'tension_corriente'] as const)(
    'with one source (%s), 5-, 15- and 60-minute grids give the same day total',
    (fuente) => {
      fc.assert(
        fc.property(fuentes, (r) => {
          const f = armar(r);
          const una: Crudas =
            fuente === 'contador'
              ? { contador: f.contador }
              : fuente === 'potencia'
                ? { potencia: f.potencia }
                : { tension: f.tension, corriente: f.corriente };
          const dia = (intervaloMs: number) =>
            total(calcular(una, T0, T0 + 24 * H, { ...p, intervaloMs }).intervalos);
          const e15 = dia(15 * MIN);
          const tolerancia = 1e-9 * Math.max(1, Math.abs(e15));
          return (
            Math.abs(dia(5 * MIN) - e15) <= tolerancia &&
            Math.abs(dia(60 * MIN) - e15) <= tolerancia
          );
        }),
        { numRuns: runs },
      );
    },
  );

  it('never yields NaN or negative energy, whatever the samples (a contador going backwards: resets)', () => {
    fc.assert(
      fc.property(fuentes, (r) => {
        const f = armar(r);
        const { intervalos } = calcular(f, T0, T0 + 24 * H, p);
        return intervalos.every(
          (i) =>
            Number.isFinite(i.energia) &&
            Number.isFinite(i.cobertura) &&
            i.cobertura >= 0 &&
            i.cobertura <= 1 &&
            (i.fuente !== 'contador' || i.energia >= 0),
        );
      }),
      { numRuns: runs },
    );
  });

  it('a contador that only goes backwards is reported as resets, with no negative energy', () => {
    const muestras = Array.from({ length: 10 }, (_, k) => ({
      t: T0 + k * 5 * MIN,
      v: 100 - 10 * k,
    }));
    const { intervalos, reinicios } = calcular(
      { contador: { aKwh: 1, muestras } },
      T0,
      T0 + 45 * MIN,
      p,
    );
    expect(reinicios).toHaveLength(8); // the 9th drop is at the period's end, outside it
    expect(intervalos.every((i) => i.energia >= 0)).toBe(true);
  });
});

describe('estimarPorSemanas', () => {
  const DIA = 24 * H;
  const intervalo = (inicio: number, energia: number, cobertura: number, calidad: string) => ({
    inicio,
    fin: inicio + 15 * MIN,
    energia,
    unidad: 'kWh' as const,
    fuente: 'potencia' as const,
    cobertura,
    calidad: calidad as 'real' | 'estimado' | 'faltante',
  });

  it('fills the uncovered share with the mean of the same interval on the last same weekdays that were real', () => {
    const t = T0 + 35 * DIA; // five weeks later, same weekday
    const ref = new Map([
      [t - 7 * DIA, intervalo(t - 7 * DIA, 1, 1, 'real')],
      [t - 14 * DIA, intervalo(t - 14 * DIA, 3, 1, 'real')],
      [t - 21 * DIA, intervalo(t - 21 * DIA, 100, 0.5, 'faltante')], // not real: ignored
    ]);
    const [e] = estimarPorSemanas([intervalo(t, 0.5, 0.25, 'faltante')], ref);
    // 0.5 measured + 0.75 of the mean (2)
    expect(e).toMatchObject({ energia: 2, calidad: 'estimado', cobertura: 0.25 });
  });

  it('leaves covered intervals, contador intervals and intervals without references alone', () => {
    const t = T0 + 14 * DIA;
    const ref = new Map([[t - 7 * DIA, intervalo(t - 7 * DIA, 1, 1, 'real')]]);
    const lleno = intervalo(t, 1, 1, 'real');
    const contador = { ...intervalo(t, 0, 0, 'faltante'), fuente: 'contador' as const };
    const sinRef = intervalo(t + 15 * MIN, 0, 0, 'faltante');
    expect(estimarPorSemanas([lleno, contador, sinRef], ref)).toEqual([lleno, contador, sinRef]);
  });
});

describe('edge cases of the samples', () => {
  it('a device with one reading in a day has no energy (no piece), never NaN', () => {
    const { intervalos } = calcular(
      { contador: { aKwh: 1, muestras: [{ t: T0 + H, v: 5 }] }, tension: [{ t: T0, v: 230 }] },
      T0,
      T0 + 24 * H,
      p,
    );
    expect(
      intervalos.every((i) => i.energia === 0 && i.calidad === 'faltante' && i.fuente === null),
    ).toBe(true);
  });

  it('pairs V and I read at the same instant', () => {
    const tension = [0, 1, 2].map((k) => ({ t: T0 + k * 15 * MIN, v: 200 }));
    const corriente = tension.map((s) => ({ t: s.t, v: 5 }));
    const { intervalos } = calcular({ tension, corriente }, T0, T0 + 30 * MIN, p);
    expect(intervalos.map((i) => i.energia)).toEqual([0.25, 0.25]); // 1 kVA × 0.25 h
  });
});

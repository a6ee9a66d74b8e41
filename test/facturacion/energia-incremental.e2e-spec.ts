import { configureLogging, EnvReader } from '@iot/common';
import { pgPool } from '@iot/database';
import fc from 'fast-check';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { readEnergiaConfig } from '../../apps/facturacion/src/energia/energia.config';
import { EnergiaRepository, findUso } from '../../apps/facturacion/src/energia/energia.repository';
import { EnergiaService } from '../../apps/facturacion/src/energia/energia.service';
import { Batch, copyRow, diaDe } from '../../apps/facturacion/src/sincronizacion/batch';
import { VariablesFacturadasRepository } from '../../apps/facturacion/src/sincronizacion/variables-facturadas.repository';
import { createTestDatabase, TestDatabase } from '../support/database';
import { facturacionStore } from '../support/facturacion-store';

const MIN = 60_000;
const T0 = Date.parse('2025-03-29T20:00:00Z'); // three days around Europe's spring DST change
const SPAN = 3 * 24 * 60 * MIN;
const VARIABLES = ['energia_kwh', 'voltaje', 'corriente', 'factor_potencia'] as const;

interface Lectura {
  variable: (typeof VARIABLES)[number];
  serie: string;
  t: number;
  v: number;
}

/**
 * Incremental recomputation (the sync's marks, the job's widened windows)
 * against a computation from scratch, on real PostgreSQL: random readings of
 * a contador (with resets and jitter), V, I and PF for two devices, arriving
 * in a random order and cut into random batches, each batch written through
 * the sync's own batch write and followed by a job pass. The intervals must
 * be equal to the last stored digit.
 */
describe('metering: incremental equals from scratch (property)', () => {
  let db: TestDatabase;
  let source: DataSource;
  let pool: Pool;
  let tablas: VariablesFacturadasRepository;
  let id = 0;

  beforeAll(async () => {
    configureLogging({ service: 'test', level: 'silent' });
    db = await createTestDatabase();
    source = await facturacionStore(db.url, 8, 30_000);
    pool = pgPool(source);
    tablas = new VariablesFacturadasRepository(pool);
    for (const v of VARIABLES) await tablas.ensureTable(v);
    await pool.query(`INSERT INTO catalogo_variable (nombre, tipo, unidad)
                      VALUES ('energia_kwh', 'contador', 'kWh'), ('factor_potencia', 'instantaneo', 'fp')`);
  });
  afterAll(async () => {
    await source.destroy();
    await db.drop();
  });

  /** One batch through the sync's write: rows, counters, cursor and marks in one transaction. */
  async function escribir(lote: Lectura[]): Promise<void> {
    for (const variable of VARIABLES) {
      const suyas = lote.filter((l) => l.variable === variable);
      if (suyas.length === 0) continue;
      const lecturas = suyas.map((l) => ({
        idDispositivo: ++id,
        numeroSerie: l.serie,
        estampaTiempo: new Date(l.t).toISOString(),
        valorVariable: l.v,
      }));
      const estampas = lecturas.map((l) => l.estampaTiempo).sort();
      const batch: Batch = {
        copy: lecturas.map(copyRow).join(''),
        filas: lecturas.length,
        primera: estampas[0],
        ultima: estampas.at(-1),
        siguiente: `c${id}`,
        dias: new Set(lecturas.map(diaDe)),
      };
      const cursor = (await tablas.findCursor(variable)) ?? null;
      await tablas.saveBatch(variable, cursor, batch);
    }
  }

  const vaciar = () =>
    pool.query(
      `TRUNCATE energia_intervalo, energia_pendiente, contador_reinicio,
                variables.energia_kwh, variables.voltaje, variables.corriente, variables.factor_potencia`,
    );

  /** An energy job with these settings, on emptied tables. */
  const servicio = async (env: Record<string, string>): Promise<EnergiaService> => {
    await vaciar();
    return new EnergiaService(
      readEnergiaConfig(new EnvReader(env)),
      new EnergiaRepository(pool),
      pool,
    );
  };

  const intervalos = async () =>
    (
      await pool.query(
        `SELECT numero_serie, inicio, energia::text, unidad, fuente, cobertura::text, calidad
         FROM energia_intervalo ORDER BY numero_serie, inicio`,
      )
    ).rows;

  /** The same readings computed from scratch: every stored interval dropped, every day marked. */
  const desdeCero = async (servicio: EnergiaService) => {
    await pool.query(`TRUNCATE energia_intervalo`);
    await pool.query(
      `INSERT INTO energia_pendiente (numero_serie, dia)
       SELECT DISTINCT numero_serie, (estampa_tiempo AT TIME ZONE 'UTC')::date FROM facturacion`,
    );
    await servicio.calcularPendientes();
    return intervalos();
  };

  const lectura = fc.record({
    variable: fc.constantFrom(...VARIABLES),
    serie: fc.constantFrom('P1', 'P2'),
    // on the minute grid, so a device's readings of one variable may share an instant
    t: fc.integer({ min: 0, max: SPAN / MIN }).map((m) => T0 + m * MIN),
    v: fc.double({ min: 0, max: 300, noNaN: true }),
  });

  it('gives the same intervals, whatever the arrival order and the batch cuts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lectura, { minLength: 1, maxLength: 120 }),
        fc.array(fc.integer({ min: 1, max: 119 }), { maxLength: 6 }),
        // gaps from 20 minutes to a day: the widening must reach as far as the pieces do
        fc.constantFrom('20', '240', '1440'),
        async (generadas, cortes, maxGap) => {
          // one reading per device, variable and instant (dispositivo's idempotency key)
          const unicas = [
            ...new Map(generadas.map((l) => [`${l.serie}|${l.variable}|${l.t}`, l])).values(),
          ];
          const energia = await servicio({
            MAX_GAP_MINUTOS: maxGap,
            TOLERANCIA_PAREO_S: '60',
            CONTADOR_JITTER_WH: '5',
          });
          const puntos = [...new Set(cortes.filter((c) => c < unicas.length))].sort(
            (a, b) => a - b,
          );
          let desde = 0;
          for (const hasta of [...puntos, unicas.length]) {
            await escribir(unicas.slice(desde, hasta));
            await energia.calcularPendientes();
            desde = hasta;
          }
          const incremental = await intervalos();
          expect(incremental).toEqual(await desdeCero(energia));
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 25) },
    );
  }, 300_000);

  it('with MAX_GAP of a day, a late current reading re-pairs a voltage sample whose piece starts two days back', async () => {
    const largo = await servicio({ MAX_GAP_MINUTOS: '1440', TOLERANCIA_PAREO_S: '60' });
    const d0 = Date.parse('2025-02-10T00:00:00Z'); // the late reading's day
    const S = 1000;
    // V and I 15 s before midnight two days back, then 23 h 59 m 45 s later (a piece within MAX_GAP)
    const a = d0 - 24 * 60 * MIN - 15 * S;
    const b = d0 - 30 * S;
    await escribir([
      { variable: 'voltaje', serie: 'G1', t: a, v: 230 },
      { variable: 'corriente', serie: 'G1', t: a, v: 10 },
      { variable: 'voltaje', serie: 'G1', t: b, v: 230 },
      { variable: 'corriente', serie: 'G1', t: b - 50 * S, v: 10 }, // pairs with b, 50 s off
    ]);
    await largo.calcularPendientes();
    // 20 s after b, on the late reading's day: now b's nearest current, 30 A instead of 10
    await escribir([{ variable: 'corriente', serie: 'G1', t: d0 - 10 * S + 20 * S, v: 30 }]);
    await largo.calcularPendientes();
    const incremental = await intervalos();
    const reCalculo = await desdeCero(largo);
    expect(incremental).toEqual(reCalculo);
    // the piece's 15 s in the day two days back: from 2.3 kVA rising towards 6.9 kVA
    const primero = reCalculo.find(
      (r: any) => r.inicio.getTime() === d0 - 24 * 60 * MIN - 15 * MIN,
    );
    expect(Number(primero.energia)).toBeGreaterThan((2.3 * 15) / 3600);
  });

  it('one run consumes more marks than a pass holds (500): every marked day, in passes', async () => {
    const servicio600 = await servicio({ MAX_GAP_MINUTOS: '20' });
    const d0 = Date.parse('2024-01-01T12:00:00Z');
    const lecturas: Lectura[] = [];
    for (const serie of ['M1', 'M2']) {
      for (let d = 0; d < 300; d++) {
        for (const dt of [0, 5 * MIN]) {
          lecturas.push({ variable: 'voltaje', serie, t: d0 + d * 24 * 60 * MIN + dt, v: 230 });
          lecturas.push({ variable: 'corriente', serie, t: d0 + d * 24 * 60 * MIN + dt, v: 1 });
        }
      }
    }
    await escribir(lecturas);
    expect(await servicio600.calcularPendientes()).toBe(600);
    const quedan = await pool.query(`SELECT count(*)::int AS n FROM energia_pendiente`);
    expect(quedan.rows[0].n).toBe(0);
    const dias = await pool.query(
      `SELECT count(DISTINCT (numero_serie, (inicio AT TIME ZONE 'UTC')::date))::int AS n
       FROM energia_intervalo WHERE fuente IS NOT NULL`,
    );
    expect(dias.rows[0].n).toBe(600);
  });

  it('weekday estimates follow a late week: the same as from scratch', async () => {
    const semanal = await servicio({ MAX_GAP_MINUTOS: '20', ESTIMACION_POTENCIA: 'semanas' });
    const lunes = Date.parse('2025-01-06T00:00:00Z');
    const semana = (k: number, hastaHora = 24): Lectura[] =>
      Array.from(
        { length: hastaHora * 4 + 1 },
        (_, q) => lunes + k * 7 * 24 * 60 * MIN + q * 15 * MIN,
      ).flatMap((t) => [
        { variable: 'voltaje' as const, serie: 'W1', t, v: 230 },
        { variable: 'corriente' as const, serie: 'W1', t, v: 2 + k }, // each week a different load
      ]);
    await escribir([...semana(0), ...semana(1), ...semana(3), ...semana(4, 12)]);
    await semanal.calcularPendientes();
    const tarde = (
      await pool.query(
        `SELECT energia::text, calidad FROM energia_intervalo
         WHERE numero_serie = 'W1' AND inicio = $1`,
        [new Date(lunes + 28 * 24 * 60 * MIN + 18 * 60 * MIN)],
      )
    ).rows[0];
    // week 4 after noon: no readings, estimated from weeks 3, 1, 0 (week 2 not there yet)
    // each week's quarter-hour: 230 V x (2 + k) A x 0.25 h
    const cuarto = (k: number) => (230 * (2 + k) * 0.25) / 1000;
    expect(tarde).toEqual({
      energia: ((cuarto(3) + cuarto(1) + cuarto(0)) / 3).toFixed(9),
      calidad: 'estimado',
    });
    await escribir(semana(2)); // the late week
    await semanal.calcularPendientes();
    const incremental = await intervalos();
    expect(incremental).toEqual(await desdeCero(semanal));
    const ahora = incremental.find(
      (r: any) => r.inicio.getTime() === lunes + 28 * 24 * 60 * MIN + 18 * 60 * MIN,
    );
    expect(ahora.energia).toBe(((cuarto(3) + cuarto(2) + cuarto(1) + cuarto(0)) / 4).toFixed(9));
  });

  it('with 60-minute intervals, a +05:45 zone gets local hours that each hold the one interval starting in them', async () => {
    const horaria = await servicio({ INTERVALO_MINUTOS: '60', MAX_GAP_MINUTOS: '20' });
    const d = Date.parse('2025-06-01T00:00:00Z');
    // a contador rising 1 kWh per UTC hour, read every 15 minutes
    await escribir(
      Array.from({ length: 24 * 4 + 1 }, (_, q) => ({
        variable: 'energia_kwh' as const,
        serie: 'K1',
        t: d + q * 15 * MIN,
        v: q / 4,
      })),
    );
    await horaria.calcularPendientes();
    const horas = await findUso(
      pool,
      'K1',
      new Date(d),
      new Date(d + 24 * 60 * MIN),
      'hora',
      'Asia/Kathmandu',
      3600,
    );
    expect(horas).toHaveLength(24);
    // 00:00Z is 05:45 in Kathmandu: the local hour 05:00 (23:15Z) holds the interval that starts
    // in it, whole; no interval is cut in two
    expect(horas[0]).toMatchObject({
      offsetS: 20_700,
      energia: '1.000000000',
      cobertura: '1.000000',
    });
    expect(horas[0].inicio.toISOString()).toBe('2025-05-31T23:15:00.000Z');
    const dias = await findUso(
      pool,
      'K1',
      new Date(d),
      new Date(d + 24 * 60 * MIN),
      'dia',
      'Asia/Kathmandu',
      3600,
    );
    // local midnight is 18:15Z: the 18:00Z interval starts on the 1st (23:45 local) and stays there
    expect(dias.map((x) => [x.inicio.toISOString(), x.energia])).toEqual([
      ['2025-05-31T18:15:00.000Z', '19.000000000'], // intervals 00:00Z .. 18:00Z
      ['2025-06-01T18:15:00.000Z', '5.000000000'], // 19:00Z .. 23:00Z
    ]);
  });

  it('the largest accepted readings give energies past 1e21, stored alike by a first computation and a recomputation', async () => {
    const enorme = await servicio({ MAX_GAP_MINUTOS: '30' });
    const d = Date.parse('2025-07-01T00:00:00Z');
    // V and I at dispositivo's bound (1e15) every minute for an hour: 1e27 kVA, 2.5e26 kVAh a
    // quarter, which toFixed writes with an exponent ("2.5e+26")
    const minutos = Array.from({ length: 61 }, (_, m) => d + m * MIN);
    await escribir([
      ...minutos.map((t) => ({ variable: 'voltaje' as const, serie: 'X1', t, v: 1e15 })),
      ...minutos.map((t) => ({ variable: 'corriente' as const, serie: 'X1', t, v: 1e15 })),
    ]);
    await enorme.calcularPendientes(); // a first computation: by COPY
    const primera = await intervalos();
    const llenas = primera.filter((r: any) => r.calidad === 'real');
    expect(llenas.map((r: any) => [r.energia, r.unidad])).toEqual(
      Array.from({ length: 4 }, () => ['250000000000000000000000000', 'kVAh']),
    );
    // marked again: the general statement rewrites the same rows to the same values
    await pool.query(
      `INSERT INTO energia_pendiente (numero_serie, dia) VALUES ('X1', '2025-07-01')`,
    );
    await enorme.calcularPendientes();
    expect(await intervalos()).toEqual(primera);
    const { rows } = await pool.query(`SELECT max(version) AS v FROM energia_intervalo`);
    expect(rows[0].v).toBe(1); // nothing differed, nothing moved
  });
});

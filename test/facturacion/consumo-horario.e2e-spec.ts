import { configureLogging } from '@iot/common';
import { pgPool } from '@iot/database';
import fc from 'fast-check';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { IntervaloConsumo } from '../../apps/facturacion/src/energia/consumo-horario';
import { ConsumoRepository } from '../../apps/facturacion/src/energia/consumo.repository';
import { createTestDatabase, TestDatabase } from '../support/database';
import { facturacionStore } from '../support/facturacion-store';
import { porHora } from '../support/por-hora';

const MIN = 60_000;
// Santiago repeats 23:00 on 2026-04-04, Kathmandu is +05:45, Lord Howe moves by 30 minutes
const CASOS = [
  { zona: 'America/Santiago', t0: Date.parse('2026-04-04T20:00:00Z') },
  { zona: 'Asia/Kathmandu', t0: Date.parse('2026-03-01T00:00:00Z') },
  { zona: 'Australia/Lord_Howe', t0: Date.parse('2026-04-04T12:00:00Z') },
];

/**
 * A statement reads a device's energy added up per local hour
 * (findConsumoHorario: raw rows by binary COPY, exact integer sums). It must
 * equal the same sums made interval by interval with decimals, to the last
 * unit: random intervals (5, 15 and 60 minutes, kWh, kVAh and none, every
 * quality, zero, negative and energies past 2^53 units) around DST changes
 * and in a +05:45 zone.
 */
describe('metering: hourly sums for statements (property)', () => {
  let db: TestDatabase;
  let source: DataSource;
  let pool: Pool;
  let repo: ConsumoRepository;
  let n = 0;

  beforeAll(async () => {
    configureLogging({ service: 'test', level: 'silent' });
    db = await createTestDatabase();
    source = await facturacionStore(db.url, 4);
    pool = pgPool(source);
    repo = new ConsumoRepository(pool);
  });
  afterAll(async () => {
    await source.destroy();
    await db.drop();
  });

  const intervalo = fc.record({
    minutos: fc.constantFrom(5, 15, 60),
    paso: fc.integer({ min: 0, max: 200 }),
    energia: fc.oneof(
      fc.constant('0'),
      fc.integer({ min: -(10 ** 9), max: 10 ** 9 }).map((x) => (x / 1e9).toFixed(9)),
      fc.bigInt({ min: 0n, max: 10n ** 20n }).map((x) => `${x}.123456789`),
    ),
    unidad: fc.constantFrom<IntervaloConsumo['unidad']>('kWh', 'kVAh', null),
    calidad: fc.constantFrom<IntervaloConsumo['calidad']>('real', 'estimado', 'faltante'),
    cobertura: fc.integer({ min: 0, max: 1e6 }).map((x) => (x / 1e6).toFixed(6)),
  });

  it('an interval energy with more than 9 decimals is refused by the store', async () => {
    await expect(
      pool.query(
        `INSERT INTO energia_intervalo (numero_serie, inicio, fin, energia, unidad, fuente, cobertura, calidad)
         VALUES ('X', now(), now() + interval '15 minutes', 0.0000000001, 'kWh', 'contador', 1, 'real')`,
      ),
    ).rejects.toThrow('energia_intervalo_escala');
  });

  it('equals the interval-by-interval sums', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CASOS),
        fc.array(intervalo, { minLength: 1, maxLength: 60 }),
        async ({ zona, t0 }, xs) => {
          const serie = `H${++n}`;
          const porInicio = new Map<number, IntervaloConsumo>();
          for (const x of xs) {
            // intervals on their own grid, each start once (the table's key)
            const inicio = t0 + x.paso * 5 * MIN - ((x.paso * 5) % x.minutos) * MIN;
            porInicio.set(inicio, { ...x, inicio, fin: inicio + x.minutos * MIN });
          }
          const intervalos = [...porInicio.values()];
          await pool.query(
            `INSERT INTO energia_intervalo (numero_serie, inicio, fin, energia, unidad, fuente, cobertura, calidad)
             SELECT $1, to_timestamp(i / 1000.0), to_timestamp(f / 1000.0), e, u, 'contador', c, q
             FROM unnest($2::float8[], $3::float8[], $4::numeric[], $5::text[], $6::numeric[], $7::text[])
                  AS x(i, f, e, u, c, q)`,
            [
              serie,
              intervalos.map((i) => i.inicio),
              intervalos.map((i) => i.fin),
              intervalos.map((i) => i.energia),
              intervalos.map((i) => i.unidad),
              intervalos.map((i) => i.cobertura),
              intervalos.map((i) => i.calidad),
            ],
          );
          const leidas = await repo.findConsumoHorario(
            serie,
            new Date(t0 - 60 * MIN),
            new Date(t0 + 2000 * MIN),
            zona,
          );
          expect(leidas).toEqual(porHora(intervalos, zona));
        },
      ),
      { numRuns: 60 },
    );
  });
});

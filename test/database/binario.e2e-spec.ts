import {
  CopiaBinaria,
  copyIn,
  copyOut,
  numeric,
  timestamptzMs,
  tuplasDeCopia,
} from '@iot/database';
import fc from 'fast-check';
import { Pool } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * PostgreSQL's binary values as a binary COPY sends them, read back against
 * their text form: numerics of any size and scale up to 9 (and more refused),
 * timestamps around PostgreSQL's epoch, NULLs.
 */
describe('binary COPY values', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const leer = async (valores: string[]) => {
    const b = await copyOut(
      pool,
      `SELECT x::numeric, x FROM unnest(ARRAY[${valores.map((v) => `'${v}'`).join(',')}]::text[]) x`,
    );
    const out: Array<[bigint | Error, string]> = [];
    for (const t of tuplasDeCopia(b)) {
      let v: bigint | Error;
      try {
        v = BigInt(numeric(b, t[0], 9));
      } catch (e) {
        v = e as Error;
      }
      out.push([v, b.toString('utf8', t[1], t[1] + b.readInt32BE(t[1] - 4))]);
    }
    return out;
  };

  /** 10^-9 units of a decimal string, by string arithmetic. */
  const nano = (s: string): bigint => {
    const neg = s.startsWith('-');
    const [ent, frac = ''] = s.replace('-', '').split('.');
    const x = BigInt(ent + frac.padEnd(9, '0'));
    return neg ? -x : x;
  };

  it('reads numerics of up to 9 decimals exactly, any size or sign', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
            fc.integer({ min: 0, max: 9 }),
          ),
          { minLength: 1, maxLength: 50 },
        ),
        async (xs) => {
          const valores = xs.map(([n, escala]) => {
            const abs = (n < 0n ? -n : n).toString().padStart(escala + 1, '0');
            const s = escala === 0 ? abs : `${abs.slice(0, -escala)}.${abs.slice(-escala)}`;
            return n < 0n ? `-${s}` : s;
          });
          for (const [v, texto] of await leer(valores)) expect(v).toBe(nano(texto));
        },
      ),
      { numRuns: 40 },
    );
    const casos = await leer([
      '0',
      '0.000000001',
      '-0.5',
      '9007199254740993',
      '1e20',
      '10000.0001',
    ]);
    expect(casos.map(([v]) => v)).toEqual([
      0n,
      1n,
      -500000000n,
      9007199254740993000000000n,
      10n ** 29n,
      10000000100000n,
    ]);
  });

  it('refuses more decimals than asked for, NaN and infinities', async () => {
    const r = await leer(['0.0000000001', '1.1234567891', 'NaN', 'Infinity', '1.123456789000']);
    expect(r.map(([v]) => (v instanceof Error ? v.message : v))).toEqual([
      'a numeric with more than 9 decimals',
      'a numeric with more than 9 decimals',
      'a numeric that is not a number (NaN or infinite)',
      'a numeric that is not a number (NaN or infinite)',
      1123456789n, // trailing zeros are not decimals
    ]);
  });

  it('reads timestamps to the millisecond, before and after 2000, and NULLs as -1', async () => {
    const b = await copyOut(
      pool,
      `SELECT t::timestamptz, NULL::int FROM unnest(ARRAY['1969-12-31T23:59:59.999Z',
         '1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00Z', '2026-03-01T05:00:00.123Z']) t`,
    );
    const ms: number[] = [];
    for (const t of tuplasDeCopia(b)) {
      ms.push(timestamptzMs(b, t[0]));
      expect(t[1]).toBe(-1);
    }
    expect(ms.map((x) => new Date(x).toISOString())).toEqual([
      '1969-12-31T23:59:59.999Z',
      '1999-12-31T23:59:59.999Z',
      '2000-01-01T00:00:00.000Z',
      '2026-03-01T05:00:00.123Z',
    ]);
  });

  it('writes rows that PostgreSQL stores as it would store their text', async () => {
    await pool.query(
      `CREATE TABLE escrita (t timestamptz, x numeric, c numeric(7,6), s text, y numeric)`,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            // any whole ms from 1900 to 9999 (past 2285 the µs need a BigInt)
            t: fc.integer({ min: -2_208_988_800_000, max: 253_402_300_799_999 }),
            entero: fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
            escala: fc.integer({ min: 0, max: 12 }),
            c: fc.double({ min: 0, max: 1, noNaN: true }),
            s: fc.option(fc.string({ unit: 'grapheme', maxLength: 80 }), { nil: null }),
            // energy as the job writes it (toFixed: an exponent from 1e21), or as String writes it
            d: fc.double({ min: -1e30, max: 1e30, noNaN: true }),
            fijo: fc.boolean(),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        async (filas) => {
          const decimal = (n: bigint, escala: number): string => {
            const abs = (n < 0n ? -n : n).toString().padStart(escala + 1, '0');
            const s = escala === 0 ? abs : `${abs.slice(0, -escala)}.${abs.slice(-escala)}`;
            return n < 0n ? `-${s}` : s;
          };
          const casos = filas.map((f) => ({
            t: f.t,
            x: decimal(f.entero, f.escala),
            c: f.c.toFixed(6),
            s: f.s === null ? null : f.s.replace(/\0/g, ''),
            y: f.fijo ? f.d.toFixed(9) : String(f.d),
          }));
          const copia = new CopiaBinaria();
          for (const f of casos)
            copia.fila(5).timestamptz(f.t).numeric(f.x).numeric(f.c).texto(f.s).numeric(f.y);
          await pool.query('TRUNCATE escrita');
          const client = await pool.connect();
          try {
            await copyIn(client, `COPY escrita FROM STDIN (FORMAT binary)`, copia.terminar());
          } finally {
            client.release();
          }
          // the same values through PostgreSQL's text input, compared as PostgreSQL prints them
          const { rows } = await pool.query<{ igual: boolean }>(
            `SELECT e.t = v.t AND e.x::text = v.x::numeric::text AND e.c::text = v.c::numeric(7,6)::text
                    AND e.s IS NOT DISTINCT FROM v.s AND e.y::text = v.y::numeric::text AS igual
             FROM (SELECT *, row_number() OVER () AS n FROM escrita) e
             JOIN unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[])
                  WITH ORDINALITY AS v(t, x, c, s, y, n) USING (n)`,
            [
              casos.map((f) => new Date(f.t)),
              casos.map((f) => f.x),
              casos.map((f) => f.c),
              casos.map((f) => f.s),
              casos.map((f) => f.y),
            ],
          );
          expect(rows.map((r) => r.igual)).toEqual(casos.map(() => true));
        },
      ),
      { numRuns: 40 },
    );
  });
});

import { serieDeBytes } from './energia.repository';

/** Records as PostgreSQL's timestamptz_send || float8send make them. */
function registros(xs: Array<[bigint, number]>, desplazamiento = 0): Buffer {
  const b = Buffer.alloc(desplazamiento + xs.length * 16);
  xs.forEach(([us, v], k) => {
    b.writeBigInt64BE(us, desplazamiento + k * 16);
    b.writeDoubleBE(v, desplazamiento + k * 16 + 8);
  });
  return b.subarray(desplazamiento);
}

describe('serieDeBytes', () => {
  const EPOCA_PG_US = 946_684_800_000_000n; // 2000-01-01Z in Unix microseconds
  const us = (iso: string, extra = 0n) => BigInt(Date.parse(iso)) * 1000n - EPOCA_PG_US + extra;

  it('reads times (to the millisecond) and values, before and after 2000, aligned or not', () => {
    const xs: Array<[bigint, number]> = [
      [us('1999-12-31T23:59:59.999Z'), -1.5],
      [us('2026-01-01T00:00:00.000Z', 499n), 230.25], // 0.499 ms: rounds down
      [us('2026-01-01T00:00:00.001Z', 500n), 1e15], // 1.5 ms: rounds up
      [us('2285-01-01T00:00:00.000Z'), Number.MAX_VALUE],
    ];
    const esperado = {
      t: [
        Date.parse('1999-12-31T23:59:59.999Z'),
        Date.parse('2026-01-01T00:00:00.000Z'),
        Date.parse('2026-01-01T00:00:00.002Z'),
        Date.parse('2285-01-01T00:00:00.000Z'),
      ],
      v: [-1.5, 230.25, 1e15, Number.MAX_VALUE],
    };
    for (const desplazamiento of [0, 3, 8]) {
      const s = serieDeBytes(registros(xs, desplazamiento));
      expect({ t: [...s.t], v: [...s.v] }).toEqual(esperado);
    }
  });

  it('an empty buffer is an empty series', () => {
    expect(serieDeBytes(Buffer.alloc(0)).t).toHaveLength(0);
  });
});

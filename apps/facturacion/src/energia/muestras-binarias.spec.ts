import { serieDeBytes, serieDeCopia } from './muestras-binarias';

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

describe('serieDeCopia', () => {
  /** A one-row, one-bytea binary COPY stream holding `registros`, with a header extension. */
  function copia(registros: Buffer | null, extension = 0): Buffer {
    const cabecera = Buffer.alloc(19 + extension);
    cabecera.write('PGCOPY\n\xff\r\n\0', 'latin1');
    cabecera.writeInt32BE(extension, 15);
    const tupla = Buffer.alloc(6);
    tupla.writeInt16BE(1);
    tupla.writeInt32BE(registros === null ? -1 : registros.length, 2);
    return Buffer.concat([
      cabecera,
      tupla,
      registros ?? Buffer.alloc(0),
      Buffer.from([0xff, 0xff]),
    ]);
  }
  const xs: Array<[bigint, number]> = Array.from({ length: 9 }, (_, k) => [
    BigInt(k) * 60_000_000n + 820_454_400_000_000n,
    225 + k / 4,
  ]);
  const esperado = serieDeBytes(registros(xs));

  it('decodes the records however the stream is cut into parts', () => {
    const b = copia(registros(xs), 4);
    for (let corte = 1; corte < b.length; corte++) {
      for (const largo of [1, 3, 16, 17]) {
        // parts of `largo` bytes after a first part of `corte`, copied so none shares memory
        const partes = [Buffer.from(b.subarray(0, corte))];
        for (let o = corte; o < b.length; o += largo) {
          partes.push(Buffer.from(b.subarray(o, o + largo)));
        }
        const s = serieDeCopia(partes);
        expect({ t: [...s.t], v: [...s.v] }).toEqual({ t: [...esperado.t], v: [...esperado.v] });
      }
    }
  });

  it('a NULL aggregate or no row is an empty series; anything else is refused', () => {
    expect(serieDeCopia([copia(null)]).t).toHaveLength(0);
    const sinFilas = Buffer.concat([copia(null).subarray(0, 19), Buffer.from([0xff, 0xff])]);
    expect(serieDeCopia([sinFilas]).t).toHaveLength(0);
    expect(() => serieDeCopia([Buffer.from('not a copy stream at all')])).toThrow(
      'not a binary COPY stream',
    );
    const b = copia(registros(xs));
    expect(() => serieDeCopia([b.subarray(0, b.length - 20)])).toThrow('cut short');
    const dos = Buffer.from(b);
    dos.writeInt16BE(2, 19); // two fields
    expect(() => serieDeCopia([dos])).toThrow('other rows');
    expect(() => serieDeCopia([copia(Buffer.alloc(17))])).toThrow('other than 16 bytes');
  });
});

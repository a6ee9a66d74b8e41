import { CopiaBinaria } from './copia-binaria';
import { numeric, timestamptzMs } from './binario';

/** The fields of the one row of a stream made by CopiaBinaria: offset of each value, -1 for NULL. */
function campos(b: Buffer): number[] {
  expect(b.toString('latin1', 0, 11)).toBe('PGCOPY\n\xff\r\n\0');
  let o = 19;
  const n = b.readInt16BE(o);
  o += 2;
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const largo = b.readInt32BE(o);
    xs.push(largo === -1 ? -1 : o + 4);
    o += 4 + Math.max(0, largo);
  }
  expect(b.readInt16BE(o)).toBe(-1); // the trailer, and nothing after it
  expect(b.length).toBe(o + 2);
  return xs;
}

describe('CopiaBinaria', () => {
  it('writes text, NULL, instants and decimals that the binary readers read back', () => {
    const instantes = [
      Date.parse('2026-03-29T01:15:00Z'),
      Date.parse('1999-12-31T23:59:59.999Z'),
      Date.parse('9999-12-31T23:59:59.999Z'), // beyond 2^53 µs: the BigInt path
    ];
    const b = new CopiaBinaria()
      .fila(6)
      .texto('E-ñ')
      .nulo()
      .timestamptz(instantes[0])
      .timestamptz(instantes[1])
      .timestamptz(instantes[2])
      .texto(null)
      .terminar();
    const c = campos(b);
    expect(b.toString('utf8', c[0], c[0] + b.readInt32BE(c[0] - 4))).toBe('E-ñ');
    expect([c[1], c[5]]).toEqual([-1, -1]);
    expect([timestamptzMs(b, c[2]), timestamptzMs(b, c[3]), timestamptzMs(b, c[4])]).toEqual(
      instantes,
    );
  });

  it.each([
    ['0.000000000', 0],
    ['-0.000000000', 0],
    ['0.123456789', 123_456_789],
    ['12345.000000001', 12_345_000_000_001],
    ['-7.5', -7_500_000_000],
    ['123456789012', 123_456_789_012_000_000_000n],
  ])('a decimal %s keeps its value and scale', (decimal, nanos) => {
    const b = new CopiaBinaria().fila(1).numeric(decimal).terminar();
    const [o] = campos(b);
    expect(BigInt(numeric(b, o, 9))).toBe(BigInt(nanos));
    expect(b.readInt16BE(o + 6)).toBe(decimal.split('.')[1]?.length ?? 0); // dscale
    if (nanos === 0) expect(b.readUInt16BE(o + 4)).toBe(0); // a zero is positive
  });

  it.each([
    ['2.5e+26', 250_000_000_000_000_000_000_000_000_000_000_000n, 0],
    ['1e-7', 100, 7],
    ['1.50e1', 15_000_000_000, 1],
    ['-1.2345e-3', -1_234_500, 7],
  ])('a decimal with an exponent, %s, as PostgreSQL reads it', (texto, nanos, escala) => {
    const b = new CopiaBinaria().fila(1).numeric(texto).terminar();
    const [o] = campos(b);
    expect(BigInt(numeric(b, o, 9))).toBe(BigInt(nanos));
    expect(b.readInt16BE(o + 6)).toBe(escala);
  });

  it('refuses what is not a decimal or a whole-millisecond instant', () => {
    for (const x of ['NaN', 'Infinity', '', '1.', '.5', '1,5', '1e', 'e5', '1e99999']) {
      expect(() => new CopiaBinaria().numeric(x)).toThrow('not a decimal');
    }
    expect(() => new CopiaBinaria().timestamptz(1.5)).toThrow('whole millisecond');
  });

  it('grows past its first buffer', () => {
    const copia = new CopiaBinaria();
    const largo = 'x'.repeat(1000);
    for (let i = 0; i < 200; i++) copia.fila(1).texto(largo);
    expect(copia.terminar().length).toBe(19 + 200 * (2 + 4 + 1000) + 2);
  });
});

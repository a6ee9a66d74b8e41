/**
 * Values of PostgreSQL's binary format, as a binary COPY sends them
 * (`b`: the buffer, `o`: where the value starts, after its length).
 */

/** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix ms. */
export const EPOCA_PG_MS = 946_684_800_000;

/** A timestamptz (int64 µs since 2000-01-01) as Unix ms, floored. */
export function timestamptzMs(b: Buffer, o: number): number {
  // two 32-bit halves: exact while |µs| < 2^53 (year 2285), no BigInt made
  const us = b.readInt32BE(o) * 4_294_967_296 + b.readUInt32BE(o + 4);
  return Math.floor(us / 1000) + EPOCA_PG_MS;
}

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;

/**
 * A numeric as an integer count of 10^-escala units, exactly: 1.5 at
 * escala 9 is 1500000000 (a number while safe, else a BigInt: no BigInt made
 * in the common case). Throws on NaN or infinities, and on a value with more
 * decimals than `escala` (it would not be exact).
 */
export function numeric(b: Buffer, o: number, escala: number): Entero {
  const ndigits = b.readInt16BE(o);
  const weight = b.readInt16BE(o + 2);
  const signo = b.readUInt16BE(o + 4);
  if (signo !== NUMERIC_POS && signo !== NUMERIC_NEG) {
    throw new Error('a numeric that is not a number (NaN or infinite)');
  }
  // the digits are base 10000: digit i is worth 10000^(weight - i); count in 10^-(4k) units,
  // k the groups past the point `escala` needs, then drop the surplus (exactly, or throw)
  const grupos = Math.ceil(escala / 4);
  const sobra = 10 ** (4 * grupos - escala);
  let rapido = 0;
  for (let i = 0; i < ndigits; i++) {
    const d = b.readInt16BE(o + 8 + 2 * i);
    const e = weight - i + grupos;
    if (e < 0) {
      if (d !== 0) throw new Error(`a numeric with more than ${escala} decimals`);
    } else rapido += d * 10000 ** e;
  }
  // every term is non-negative: a safe total means every partial sum was exact
  if (Number.isSafeInteger(rapido)) {
    if (rapido % sobra !== 0) throw new Error(`a numeric with more than ${escala} decimals`);
    const x = rapido / sobra;
    return signo === NUMERIC_NEG ? -x : x;
  }
  let x = 0n;
  for (let i = 0; i < ndigits; i++) {
    const e = weight - i + grupos;
    if (e >= 0) x += BigInt(b.readInt16BE(o + 8 + 2 * i)) * 10000n ** BigInt(e);
  }
  if (x % BigInt(sobra) !== 0n) throw new Error(`a numeric with more than ${escala} decimals`);
  x /= BigInt(sobra);
  return signo === NUMERIC_NEG ? -x : x;
}

/** An exact integer: a number while it is a safe integer, else a BigInt. */
export type Entero = number | bigint;

const MAX_SEGURO = BigInt(Number.MAX_SAFE_INTEGER);

/** `x` as an Entero: a number if it is safe as one. */
export function entero(x: bigint): Entero {
  return x <= MAX_SEGURO && x >= -MAX_SEGURO ? Number(x) : x;
}

/** a + b, exactly (no BigInt made while both and the sum are safe numbers). */
export function sumaEntera(a: Entero, b: Entero): Entero {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return entero(BigInt(a) + BigInt(b));
}

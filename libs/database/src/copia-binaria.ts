import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EPOCA_PG_MS } from './binario';
import { FIRMA_COPIA } from './copy-out';

/** The signature, then no flags and no header extension. */
const CABECERA = Buffer.concat([FIRMA_COPIA, Buffer.alloc(8)]);
const DOS_A_LA_32 = 4_294_967_296;

/**
 * Rows in PostgreSQL's binary COPY format, for `COPY … FROM STDIN (FORMAT
 * binary)`: no text for the server to parse (a timestamptz or a numeric in
 * text costs it more than the row's index entries). Each row starts with
 * `fila(n)` and then exactly n values, in the COPY's column order. Written
 * byte by byte: a month of a device's intervals is ~25,000 values, and the
 * checked Buffer writers cost more than the values' own work.
 */
export class CopiaBinaria {
  private b: Buffer;
  private o = 0;
  /** Short texts already encoded: a column's few values repeat on every row. */
  private readonly textos = new Map<string, Buffer>();

  /** `capacidad`: the bytes expected, if known (growing copies the stream so far). */
  constructor(capacidad = 64 * 1024) {
    this.b = Buffer.allocUnsafe(Math.max(capacidad, CABECERA.length + 2));
    this.espacio(CABECERA.length);
    this.o += CABECERA.copy(this.b, 0);
  }

  fila(campos: number): this {
    this.espacio(2);
    this.o = int16(this.b, this.o, campos);
    return this;
  }

  nulo(): this {
    this.espacio(4);
    this.o = int32(this.b, this.o, -1);
    return this;
  }

  texto(s: string | null): this {
    if (s === null) return this.nulo();
    let x = this.textos.get(s);
    if (!x) {
      x = Buffer.from(s, 'utf8');
      if (s.length <= 64 && this.textos.size < 256) this.textos.set(s, x);
    }
    this.espacio(4 + x.length);
    this.o = int32(this.b, this.o, x.length);
    this.o += x.copy(this.b, this.o);
    return this;
  }

  /** A timestamptz from Unix ms (whole ms: exact in µs). */
  timestamptz(ms: number): this {
    if (!Number.isSafeInteger(ms)) throw new Error(`not a whole millisecond instant: ${ms}`);
    const us = (ms - EPOCA_PG_MS) * 1000;
    this.espacio(12);
    this.o = int32(this.b, this.o, 8);
    if (Number.isSafeInteger(us)) {
      // two 32-bit halves: no BigInt made (exact while |µs| < 2^53, years 1715 to 2285)
      const alto = Math.floor(us / DOS_A_LA_32);
      this.o = int32(this.b, this.o, alto);
      this.o = int32(this.b, this.o, us - alto * DOS_A_LA_32);
    } else this.o = this.b.writeBigInt64BE(BigInt(ms - EPOCA_PG_MS) * 1000n, this.o);
    return this;
  }

  /**
   * A numeric from a decimal string (`-12.345000`, or with an exponent as
   * `toFixed` writes numbers from 1e21: `2.5e+26`): the same value and
   * display scale as PostgreSQL's text input gives it (`'-12.345000'::numeric`).
   */
  numeric(texto: string): this {
    const decimal = sinExponente(texto);
    const n = decimal.length;
    const desde = decimal.charCodeAt(0) === 45 ? 1 : 0; // '-'
    const p = decimal.indexOf('.');
    const punto = p < 0 ? n : p;
    const enteros = punto - desde;
    const decimales = p < 0 ? 0 : n - punto - 1;
    if (enteros <= 0 || (p >= 0 && decimales === 0)) throw noDecimal(decimal);
    // base-10000 digits: the integer part grouped from the point leftwards, the fraction
    // rightwards (padded with zeros); written after the header's place, which comes last
    const gEnteros = Math.ceil(enteros / 4);
    const digitos = gEnteros + Math.ceil(decimales / 4);
    this.espacio(12 + 2 * digitos);
    const b = this.b;
    let w = this.o + 12;
    let k = desde;
    let ceros = true;
    for (let g = 0; g < digitos; g++) {
      const largo = g === 0 ? enteros % 4 || 4 : 4;
      if (g === gEnteros) k = punto + 1;
      let d = 0;
      for (let j = 0; j < largo; j++, k++) {
        const c = k < n ? decimal.charCodeAt(k) - 48 : 0;
        if (c < 0 || c > 9 || (g < gEnteros && k >= punto)) throw noDecimal(decimal);
        d = d * 10 + c;
      }
      if (d !== 0) ceros = false;
      w = int16(b, w, d);
    }
    let o = int32(b, this.o, 8 + 2 * digitos);
    o = int16(b, o, digitos);
    o = int16(b, o, gEnteros - 1);
    // PostgreSQL strips zero digits itself; a zero is positive there, as in its text input
    o = int16(b, o, desde === 1 && !ceros ? 0x4000 : 0);
    int16(b, o, decimales);
    this.o = w;
    return this;
  }

  /** The whole stream, trailer included; the writer is done. */
  terminar(): Buffer {
    this.espacio(2);
    this.o = int16(this.b, this.o, -1);
    return this.b.subarray(0, this.o);
  }

  private espacio(n: number): void {
    if (this.o + n <= this.b.length) return;
    const mayor = Buffer.allocUnsafe(Math.max(2 * this.b.length, this.o + n));
    this.b.copy(mayor, 0, 0, this.o);
    this.b = mayor;
  }
}

const noDecimal = (x: string): Error => new Error(`not a decimal: ${x}`);
const EXPONENTE = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;

/**
 * `1.25e+3` as `1250`, `1.5e-2` as `0.015`: the point moved, the scale what
 * PostgreSQL gives such input (the fraction's digits less the exponent, at
 * least 0). Anything else is returned as it is.
 */
function sinExponente(x: string): string {
  if (!x.includes('e') && !x.includes('E')) return x;
  const m = EXPONENTE.exec(x);
  if (!m) throw noDecimal(x);
  const [, signo, entera, fraccion = '', e] = m;
  const digitos = entera + fraccion;
  const punto = entera.length + Number(e);
  if (Math.abs(punto) > 1000) throw noDecimal(x); // beyond any numeric this writes
  const plano =
    punto >= digitos.length
      ? digitos + '0'.repeat(punto - digitos.length)
      : punto <= 0
        ? `0.${'0'.repeat(-punto)}${digitos}`
        : `${digitos.slice(0, punto)}.${digitos.slice(punto)}`;
  return signo + plano;
}

/** Big-endian, unchecked (the caller made room): the offset after. */
function int16(b: Buffer, o: number, x: number): number {
  b[o] = (x >>> 8) & 0xff;
  b[o + 1] = x & 0xff;
  return o + 2;
}

function int32(b: Buffer, o: number, x: number): number {
  b[o] = (x >>> 24) & 0xff;
  b[o + 1] = (x >>> 16) & 0xff;
  b[o + 2] = (x >>> 8) & 0xff;
  b[o + 3] = x & 0xff;
  return o + 4;
}

/** Sends a finished binary COPY stream: `sql` is `COPY t (…) FROM STDIN (FORMAT binary)`. */
export async function copyIn(client: PoolClient, sql: string, datos: Buffer): Promise<void> {
  await pipeline(Readable.from([datos]), client.query(copyFrom(sql)));
}

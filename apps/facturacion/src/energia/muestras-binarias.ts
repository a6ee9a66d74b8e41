import { EPOCA_PG_MS, inicioDeTuplas } from '@iot/database';
import { Serie, SERIE_VACIA } from './integracion';

const REGISTRO = 16;

/**
 * Readings from records of PostgreSQL's binary forms, `timestamptz_send ||
 * float8send`: int64 microseconds since 2000, then a float8, both
 * big-endian. Times are rounded to the millisecond, as the rest of the
 * pipeline counts in milliseconds.
 */
export const serieDeBytes = (b: Buffer): Serie =>
  decodificar([b], 0, Math.floor(b.length / REGISTRO));

/**
 * The one bytea of a one-row binary COPY (`COPY (SELECT string_agg(…)) TO
 * STDOUT (FORMAT binary)`) as readings, decoded from the stream's parts as
 * they came: no joined copy of a month of records (~700 kB per variable and
 * device) to allocate and collect. One value, not a row per reading: a
 * COPY's rows are a protocol message each, and parsing 43,200 of them per
 * device-month cost Node more than the aggregate costs PostgreSQL.
 */
export function serieDeCopia(partes: readonly Buffer[]): Serie {
  const tupla = inicioDeTuplas(primeros(partes, 19));
  const cabecera = primeros(partes, tupla + 6).subarray(tupla);
  if (cabecera.length < 2 || cabecera.readInt16BE(0) === -1) return SERIE_VACIA; // no row
  if (cabecera.length < 6 || cabecera.readInt16BE(0) !== 1) {
    throw new Error('a binary COPY of other rows than one bytea');
  }
  const largo = cabecera.readInt32BE(2);
  if (largo === -1) return SERIE_VACIA; // NULL: no readings
  return decodificar(partes, tupla + 6, largo / REGISTRO);
}

/** The first `n` bytes of the parts taken as one stream (fewer if it is shorter). */
function primeros(partes: readonly Buffer[], n: number): Buffer {
  const juntas: Buffer[] = [];
  let tengo = 0;
  for (const p of partes) {
    if (tengo >= n) break;
    juntas.push(p.subarray(0, n - tengo));
    tengo += juntas[juntas.length - 1].length;
  }
  return juntas.length === 1 ? juntas[0] : Buffer.concat(juntas);
}

/** `n` records from byte `desde` of the parts taken as one stream. */
function decodificar(partes: readonly Buffer[], desde: number, n: number): Serie {
  if (!Number.isInteger(n)) throw new Error('readings of other than 16 bytes');
  if (n === 0) return SERIE_VACIA;
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const partido = new DataView(new ArrayBuffer(REGISTRO)); // a record split between two parts
  const partidoBytes = new Uint8Array(partido.buffer);
  let tengo = 0; // bytes of the split record already copied
  let k = 0;
  let saltar = desde;
  for (const parte of partes) {
    if (k === n) break;
    let o = Math.min(saltar, parte.length);
    saltar -= o;
    if (o === parte.length) continue;
    if (tengo > 0) {
      const m = Math.min(REGISTRO - tengo, parte.length - o);
      partidoBytes.set(parte.subarray(o, o + m), tengo);
      tengo += m;
      o += m;
      if (tengo < REGISTRO) continue;
      leer(partido, 0, t, v, k++);
      tengo = 0;
    }
    const d = new DataView(parte.buffer, parte.byteOffset, parte.length);
    for (; o + REGISTRO <= parte.length && k < n; o += REGISTRO) leer(d, o, t, v, k++);
    if (k < n && o < parte.length) {
      partidoBytes.set(parte.subarray(o), 0);
      tengo = parte.length - o;
    }
  }
  if (k !== n) throw new Error(`a binary COPY cut short: ${k} of ${n} readings`);
  return { t, v };
}

function leer(d: DataView, o: number, t: Float64Array, v: Float64Array, k: number): void {
  // two 32-bit halves: exact below 2^53 microseconds (year 2285), no BigInt per reading
  const us = d.getInt32(o) * 4_294_967_296 + d.getUint32(o + 4);
  t[k] = Math.round(us / 1000) + EPOCA_PG_MS;
  v[k] = d.getFloat64(o + 8);
}

import { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/** A binary COPY's 11-byte signature; then come flags and the header-extension length (int32 each). */
export const FIRMA_COPIA = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * A query's rows as one binary COPY stream (`COPY (…) TO STDOUT (FORMAT
 * binary)`): read them with `tuplasDeCopia`. COPY takes no bind parameters:
 * `consulta` must quote what it embeds. The pool's query_timeout covers the
 * stream too (a frozen server ends it).
 */
export async function copyOut(pool: Pool, consulta: string): Promise<Buffer> {
  return Buffer.concat(await copyOutPartes(pool, consulta));
}

/** `copyOut`'s stream as the parts it came in: for a reader that needs no joined copy. */
export async function copyOutPartes(pool: Pool, consulta: string): Promise<Buffer[]> {
  const client = await pool.connect();
  let fallo: Error | undefined;
  try {
    const partes: Buffer[] = [];
    const stream = client.query(copyTo(`COPY (${consulta}) TO STDOUT (FORMAT binary)`));
    for await (const parte of stream) partes.push(parte as Buffer);
    return partes;
  } catch (error) {
    fallo = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(fallo); // a connection a COPY failed on is not reused
  }
}

/** Where a binary COPY's tuples start, after the header (`b`: at least its first 19 bytes). */
export function inicioDeTuplas(b: Buffer): number {
  if (b.length < 19 || !b.subarray(0, 11).equals(FIRMA_COPIA)) {
    throw new Error('not a binary COPY stream');
  }
  return 19 + b.readInt32BE(15);
}

/**
 * The tuples of a binary COPY stream: for each, the offset of each field's
 * value in `b` (-1: NULL). One array is reused from tuple to tuple.
 */
export function* tuplasDeCopia(b: Buffer): Generator<Int32Array> {
  let o = inicioDeTuplas(b);
  let campos = new Int32Array(0);
  for (;;) {
    const n = b.readInt16BE(o);
    if (n === -1) return; // the trailer
    if (campos.length !== n) campos = new Int32Array(n);
    o += 2;
    for (let i = 0; i < n; i++) {
      const largo = b.readInt32BE(o);
      campos[i] = largo === -1 ? -1 : o + 4;
      o += 4 + Math.max(largo, 0);
    }
    yield campos;
  }
}

import { MAX_EPOCH_MS } from '@iot/contracts';
import { InvalidInputError } from '../errors/domain-error';

/** Where a page ended: the (estampaTiempo, id) of its last reading. */
export interface Cursor {
  estampaTiempo: Date;
  id: number;
}

const INVALIDO = new InvalidInputError([
  { field: 'despuesDe', reason: 'must be the siguiente value of a previous page' },
]);

/** Opaque keyset cursor: the (estampaTiempo, id) of the last reading of a page. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.estampaTiempo.getTime()}.${c.id}`).toString('base64url');
}

/** Decodes and range-checks a cursor, so a forged one is a 400, never a database error. */
export function decodeCursor(text: string): Cursor {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!m) throw INVALIDO;
  const ms = Number(m[1]);
  const id = Number(m[2]);
  if (ms > MAX_EPOCH_MS || !Number.isSafeInteger(id) || id < 1) throw INVALIDO;
  return { estampaTiempo: new Date(ms), id };
}

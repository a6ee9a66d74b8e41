import { InvalidInputError } from '@iot/common';
import { Cursor } from './lecturas.repository';

/** Opaque keyset cursor: the (estampaTiempo, id) of the last reading of a page. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.estampaTiempo.getTime()}.${c.id}`).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!m) {
    throw new InvalidInputError([
      { field: 'despuesDe', reason: 'must be the siguiente value of a previous page' },
    ]);
  }
  return { estampaTiempo: new Date(Number(m[1])), id: Number(m[2]) };
}

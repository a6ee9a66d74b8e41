import { InvalidInputError } from '@iot/common';

/** Where an export stopped: the (transaction id, row id) of the last row sent. */
export interface ExportCursor {
  /** xid8 as decimal text (64-bit: beyond a JS number). */
  xid: string;
  id: number;
}

export const EXPORT_START: ExportCursor = { xid: '0', id: 0 };

const INVALIDO = (): InvalidInputError =>
  new InvalidInputError([
    { field: 'despuesDe', reason: 'must be the siguiente value of a previous export' },
  ]);

export function encodeExportCursor(c: ExportCursor): string {
  return Buffer.from(`${c.xid}.${c.id}`).toString('base64url');
}

/** Decodes and range-checks a cursor: a forged one is a 400, never a database error. */
export function decodeExportCursor(text: string): ExportCursor {
  const m = /^(\d{1,20})\.(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!m) throw INVALIDO();
  const id = Number(m[2]);
  if (BigInt(m[1]) >= 2n ** 64n || !Number.isSafeInteger(id)) throw INVALIDO();
  return { xid: BigInt(m[1]).toString(), id };
}

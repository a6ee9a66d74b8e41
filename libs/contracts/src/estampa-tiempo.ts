/**
 * What devices send as `estampaTiempo` in practice, from 1970-01-01T00:00:00Z
 * to 9999-12-31T23:59:59.999Z:
 * - ISO-8601 date-time, `T` or space separated, seconds and fraction optional,
 *   with `Z` or a `±HH:MM`/`±HHMM`/`±HH` offset; without an offset it is UTC.
 * - epoch milliseconds, as a JSON integer or a string of digits.
 * Precision is the millisecond: further fraction digits are truncated.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

// 9999-12-31T23:59:59.999Z: keeps every accepted value inside PostgreSQL's and JS's range.
export const MAX_EPOCH_MS = 253402300799999;
const MIN_YEAR = 1970;

export const ESTAMPA_TIEMPO_FORMATO =
  'must be an ISO-8601 date-time (e.g. 2025-01-31T12:00:00Z; no offset means UTC) or epoch milliseconds, from 1970 to 9999';

function fromEpoch(ms: number): Date | undefined {
  return Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_EPOCH_MS ? new Date(ms) : undefined;
}

function offsetMinutes(offset: string | undefined): number | undefined {
  if (!offset || offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function fromIso(text: string): Date | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = Number(m[6] ?? '0');
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = offsetMinutes(m[8]);
  if (offset === undefined || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  // Date.UTC maps years 0-99 to 1900-1999: "0099-06-01" would silently become 1999
  if (year < MIN_YEAR) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls Feb 30 over into March; a real calendar day maps back to itself
  if (new Date(local).getUTCDate() !== day) return undefined;
  return fromEpoch(local - offset * 60_000);
}

export function parseEstampaTiempo(value: unknown): Date | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{1,16}$/.test(text)) return fromEpoch(Number(text));
  return fromIso(text);
}

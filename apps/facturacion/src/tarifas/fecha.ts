import { InvalidInputError } from '@iot/common';

/** A real calendar date (2026-02-30 is not). */
export function fechaValida(desde: string, campo = 'desde'): string {
  const t = Date.parse(`${desde}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== desde) {
    throw new InvalidInputError([{ field: campo, reason: 'must be a calendar date' }]);
  }
  return desde;
}

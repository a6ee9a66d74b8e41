import type { Caller } from '@iot/http';

/** Who made a change, for the audit trail: the key's id, or the service role. */
export const claveDe = (caller: Caller | undefined): string =>
  caller?.keyId ?? caller?.role ?? 'desconocido';

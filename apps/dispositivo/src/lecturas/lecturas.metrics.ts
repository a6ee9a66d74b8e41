import { counter, histogram } from '@iot/http';

type Result = 'stored' | 'duplicate' | 'conflict' | 'rejected';
type Transport = 'http' | 'mqtt';

const lecturas = counter({
  name: 'iot_lecturas_total',
  help: 'Readings received, by transport and what became of them',
  labelNames: ['transport', 'result'] as const,
});

// children bound once: a labelled inc() per reading would build its key every time
const RESULTS: Result[] = ['stored', 'duplicate', 'conflict', 'rejected'];
const bound = Object.fromEntries(
  (['http', 'mqtt'] as const).map((t) => [
    t,
    Object.fromEntries(RESULTS.map((r) => [r, lecturas.labels(t, r)])),
  ]),
) as Record<Transport, Record<Result, { inc(n?: number): void }>>;

export function countLecturas(transport: Transport, result: Result, n = 1): void {
  if (n > 0) bound[transport][result].inc(n);
}

/** Why a reading was refused: set by the field at fault, or by the rule that refused it. */
export type Rechazo = 'invalid' | 'malformed' | 'not_allowed' | 'conflict' | 'unprocessable';
const RECHAZOS: Rechazo[] = ['invalid', 'malformed', 'not_allowed', 'conflict', 'unprocessable'];

const rechazadas = counter({
  name: 'iot_lecturas_rechazadas_total',
  help: 'Readings refused, by transport and reason',
  labelNames: ['transport', 'reason'] as const,
});
const rechazadasBound = Object.fromEntries(
  (['http', 'mqtt'] as const).map((t) => [
    t,
    Object.fromEntries(RECHAZOS.map((r) => [r, rechazadas.labels(t, r)])),
  ]),
) as Record<Transport, Record<Rechazo, { inc(n?: number): void }>>;

// the message as a whole (not a reading's field) was unusable
const MALFORMED = new Set(['(payload)', '(body)', '(item)', '(topic)']);
// valid, but the database or the processing refused it
const UNPROCESSABLE = new Set(['(database)', '(dispositivo)']);

/** The reason for a problem with `field` (any other field name is a validation failure). */
export function rechazoDe(field: string): Rechazo {
  if (MALFORMED.has(field)) return 'malformed';
  if (UNPROCESSABLE.has(field)) return 'unprocessable';
  return 'invalid';
}

export function countRechazos(transport: Transport, reason: Rechazo, n = 1): void {
  if (n > 0) rechazadasBound[transport][reason].inc(n);
}

export const commitRows = histogram({
  name: 'iot_commit_rows',
  help: 'Readings per group-commit transaction',
  buckets: [1, 10, 50, 100, 500, 1000, 2000, 5000, 10000],
});

export const commitSeconds = histogram({
  name: 'iot_commit_seconds',
  help: 'Time of one group-commit transaction',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

import { counter, histogram } from '@iot/common';

type Result = 'stored' | 'duplicate' | 'conflict' | 'rejected';
type Transport = 'http' | 'mqtt';
/** Why a reading was refused: set by the field at fault, or by the rule that refused it. */
export type Rechazo = 'invalid' | 'malformed' | 'not_allowed' | 'conflict' | 'unprocessable';

interface Incrementable {
  inc(n?: number): void;
}

/**
 * The counter's children for every transport × value, bound once: a labelled
 * inc() per reading would build its key every time.
 */
function perTransport<V extends string>(
  c: { labels(transport: string, value: string): Incrementable },
  values: readonly V[],
): Record<Transport, Record<V, Incrementable>> {
  const bind = (t: Transport) => Object.fromEntries(values.map((v) => [v, c.labels(t, v)]));
  return { http: bind('http'), mqtt: bind('mqtt') } as Record<Transport, Record<V, Incrementable>>;
}

const lecturas = perTransport(
  counter({
    name: 'iot_lecturas_total',
    help: 'Readings received, by transport and what became of them',
    labelNames: ['transport', 'result'] as const,
  }),
  ['stored', 'duplicate', 'conflict', 'rejected'] as const,
);

const rechazadas = perTransport(
  counter({
    name: 'iot_lecturas_rechazadas_total',
    help: 'Readings refused, by transport and reason',
    labelNames: ['transport', 'reason'] as const,
  }),
  ['invalid', 'malformed', 'not_allowed', 'conflict', 'unprocessable'] as const,
);

export function countLecturas(transport: Transport, result: Result, n = 1): void {
  if (n > 0) lecturas[transport][result].inc(n);
}

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
  if (n > 0) rechazadas[transport][reason].inc(n);
}

/** One refusal per problem, its reason from the field at fault. */
export function countRechazosByField(
  transport: Transport,
  problems: readonly { field: string }[],
): void {
  for (const p of problems) rechazadas[transport][rechazoDe(p.field)].inc();
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

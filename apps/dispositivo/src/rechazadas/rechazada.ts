import { createHash } from 'node:crypto';
import type { FieldProblem } from '@iot/contracts';

/** Why (part of) a message was not stored; `indice` names the array item, when it is one. */
export interface MessageProblem extends FieldProblem {
  indice?: number;
}

/** A dead letter: an MQTT message that could not be stored whole, kept for operators. */
export interface Rechazada {
  topic: string;
  /** The original bytes, up to RECHAZADA_PAYLOAD_MAX_BYTES. */
  payload: Buffer;
  /** The message's real size. */
  payloadBytes: number;
  motivos: MessageProblem[];
  /** sha256 of topic and whole payload: a redelivered message is the same dead letter. */
  huella: Buffer;
}

/** Stored payloads are cut to this many bytes; `payloadBytes` keeps the real size. */
export const RECHAZADA_PAYLOAD_MAX_BYTES = 64 * 1024;

/**
 * PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses lone
 * surrogates: a topic or a reason echoing such a character would make the
 * dead-letter INSERT itself fail, so they become U+FFFD.
 */
function storableText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u0000/g, '\uFFFD').toWellFormed();
}

/** The one place dead letters are built. */
export function construirRechazada(
  topic: string,
  payload: Buffer,
  motivos: MessageProblem[],
): Rechazada {
  const huella = createHash('sha256')
    .update(`${Buffer.byteLength(topic)}:${topic}`)
    .update(payload)
    .digest();
  return {
    topic: storableText(topic),
    payload: payload.subarray(0, RECHAZADA_PAYLOAD_MAX_BYTES),
    payloadBytes: payload.length,
    motivos: motivos.map((m) => ({
      ...m,
      field: storableText(m.field),
      reason: storableText(m.reason),
    })),
    huella,
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { Queryable } from '@iot/database';
import { MessageProblem, Rechazada } from './rechazada';

export interface RechazadaGuardada {
  id: number;
  topic: string;
  /** The payload as text when its bytes are valid UTF-8, else null (see payloadBase64). */
  payload: string | null;
  payloadBase64?: string;
  payloadBytes: number;
  motivo: MessageProblem[];
  recibidaEn: string;
}

interface Row {
  id: string;
  topic: string;
  payload: Buffer;
  payload_bytes: number;
  motivo: MessageProblem[];
  recibida_en: Date;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function comoTexto(bytes: Buffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The INSERT of dead letters, its five parameters numbered from `$first` so it
 * can also ride inside another statement (LecturasRepository.insertAllNewWith).
 * A dead letter already stored (same huella: the broker redelivered the
 * message) is not stored again.
 */
export function insertRechazadasSql(first: number): string {
  const [topic, payload, bytes, motivo, huella] = [0, 1, 2, 3, 4].map((k) => `$${first + k}`);
  return `INSERT INTO lectura_rechazada (topic, payload, payload_bytes, motivo, huella)
       SELECT * FROM unnest(${topic}::text[], ${payload}::bytea[], ${bytes}::int[], ${motivo}::jsonb[], ${huella}::bytea[])
       ON CONFLICT (huella) DO NOTHING`;
}

/** The parameters of insertRechazadasSql, in order. */
export function rechazadasParams(rechazadas: Rechazada[]): unknown[] {
  return [
    rechazadas.map((r) => r.topic),
    rechazadas.map((r) => r.payload),
    rechazadas.map((r) => r.payloadBytes),
    rechazadas.map((r) => JSON.stringify(r.motivos)),
    rechazadas.map((r) => r.huella),
  ];
}

@Injectable()
export class RechazadasRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /** One statement for the dead letters of a flush, on the caller's transaction so they commit with the readings. */
  async insertMany(tx: Queryable, rechazadas: Rechazada[]): Promise<void> {
    if (rechazadas.length === 0) return;
    await tx.query(insertRechazadasSql(1), rechazadasParams(rechazadas));
  }

  /** Outside any flush (the message's readings could not be written at all). */
  async insertAlone(rechazada: Rechazada): Promise<void> {
    await this.insertMany(this.pool, [rechazada]);
  }

  /** Newest first, keyset on id. */
  async findPageBefore(antesDe: number | undefined, limite: number): Promise<RechazadaGuardada[]> {
    const { rows: filas } = await this.pool.query<Row>(
      `SELECT id, topic, payload, payload_bytes, motivo, recibida_en FROM lectura_rechazada
       WHERE $1::bigint IS NULL OR id < $1 ORDER BY id DESC LIMIT $2`,
      [antesDe ?? null, limite],
    );
    return filas.map((f) => {
      const payload = comoTexto(f.payload);
      return {
        id: Number(f.id),
        topic: f.topic,
        payload,
        ...(payload === null ? { payloadBase64: f.payload.toString('base64') } : {}),
        payloadBytes: f.payload_bytes,
        motivo: f.motivo,
        recibidaEn: f.recibida_en.toISOString(),
      };
    });
  }
}

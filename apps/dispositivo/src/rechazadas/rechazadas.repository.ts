import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Rechazo } from '../lecturas/mensaje-mqtt';

export interface RechazadaGuardada extends Rechazo {
  id: number;
  recibidaEn: string;
}

interface Fila {
  id: string;
  topic: string;
  payload: string;
  payload_bytes: number;
  motivo: Rechazo['motivo'];
  recibida_en: Date;
}

@Injectable()
export class RechazadasRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One statement for all the dead letters of a message. */
  async insertMany(rechazos: Rechazo[]): Promise<void> {
    await this.db.query(
      `INSERT INTO lectura_rechazada (topic, payload, payload_bytes, motivo)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::jsonb[])`,
      [
        rechazos.map((r) => r.topic),
        rechazos.map((r) => r.payload),
        rechazos.map((r) => r.payloadBytes),
        rechazos.map((r) => JSON.stringify(r.motivo)),
      ],
    );
  }

  /** Newest first, keyset on id. */
  async findPageBefore(antesDe: number | undefined, limite: number): Promise<RechazadaGuardada[]> {
    const filas: Fila[] = await this.db.query(
      `SELECT id, topic, payload, payload_bytes, motivo, recibida_en FROM lectura_rechazada
       WHERE $1::bigint IS NULL OR id < $1 ORDER BY id DESC LIMIT $2`,
      [antesDe ?? null, limite],
    );
    return filas.map((f) => ({
      id: Number(f.id),
      topic: f.topic,
      payload: f.payload,
      payloadBytes: f.payload_bytes,
      motivo: f.motivo,
      recibidaEn: f.recibida_en.toISOString(),
    }));
  }
}

import { Queryable } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';

/** One change to billing data: who (key id), what, and the values before and after. */
export interface Cambio {
  clave: string;
  entidad: 'cuenta' | 'tarifa' | 'factura' | 'calendario';
  entidadId: string;
  accion: string;
  antes?: unknown;
  despues?: unknown;
}

export interface EntradaAuditoria {
  id: string;
  en: Date;
  clave: string;
  accion: string;
  antes: unknown;
  despues: unknown;
}

/** Written in the transaction of the change it records: no change without its entry. */
export async function auditar(q: Queryable, c: Cambio): Promise<void> {
  await q.query(
    `INSERT INTO auditoria (clave, entidad, entidad_id, accion, antes, despues)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      c.clave,
      c.entidad,
      c.entidadId,
      c.accion,
      c.antes === undefined ? null : JSON.stringify(c.antes),
      c.despues === undefined ? null : JSON.stringify(c.despues),
    ],
  );
}

@Injectable()
export class AuditoriaRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /** An entity's entries, oldest first, after entry `despuesDe` (keyset on id). */
  async findDe(
    entidad: Cambio['entidad'],
    entidadId: string,
    limite: number,
    despuesDe?: string,
  ): Promise<EntradaAuditoria[]> {
    const { rows } = await this.pool.query<EntradaAuditoria>(
      `SELECT id::text, en, clave, accion, antes, despues FROM auditoria
       WHERE entidad = $1 AND entidad_id = $2 AND id > $3 ORDER BY id LIMIT $4`,
      [entidad, entidadId, despuesDe ?? '0', limite],
    );
    return rows;
  }
}

import { inTransaction } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { auditar } from '../auditoria/auditoria.repository';

/** What a finalisation found. */
export type Finalizacion =
  | { resultado: 'final'; serie: string; numero: string }
  | { resultado: 'no_encontrada' | 'ya_final' | 'cambiada' }
  | { resultado: 'problemas'; problemas: string[] };

/** Gap-free numbers for final statements: a counter row per series. */
@Injectable()
export class NumeracionRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /**
   * Makes the draft final with the next number of its series, if it is still
   * the draft that was reviewed (`revisada`: its calculadaEn, to the
   * millisecond) and nothing stops it. The statement's row lock makes a
   * second finaliser wait and then find it final; the series row lock hands
   * out numbers one at a time, and a rollback gives the number back.
   */
  async finalizar(id: string, revisada: Date, serie: string, por: string): Promise<Finalizacion> {
    return inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<{ estado: string; igual: boolean; problemas: string[] }>(
        `SELECT estado, date_trunc('milliseconds', calculada_en) = $2 AS igual, problemas
         FROM factura WHERE id = $1 FOR UPDATE`,
        [id, revisada],
      );
      if (rows.length === 0) return { resultado: 'no_encontrada' };
      if (rows[0].estado !== 'borrador') return { resultado: 'ya_final' };
      if (!rows[0].igual) return { resultado: 'cambiada' };
      if (rows[0].problemas.length > 0)
        return { resultado: 'problemas', problemas: rows[0].problemas };
      const n = await tx.query<{ ultimo: string }>(
        `INSERT INTO factura_serie (serie, ultimo) VALUES ($1, 1)
         ON CONFLICT (serie) DO UPDATE SET ultimo = factura_serie.ultimo + 1
         RETURNING ultimo::text`,
        [serie],
      );
      const numero = n.rows[0].ultimo;
      await tx.query(
        `UPDATE factura SET estado = 'final', serie = $2, numero = $3, finalizada_en = now(),
                finalizada_por = $4
         WHERE id = $1`,
        [id, serie, numero, por],
      );
      await auditar(tx, {
        clave: por,
        entidad: 'factura',
        entidadId: id,
        accion: 'finalizar',
        despues: { serie, numero },
      });
      return { resultado: 'final', serie, numero };
    });
  }
}

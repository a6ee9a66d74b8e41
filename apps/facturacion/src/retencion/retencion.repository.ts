import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { tablaVariable } from '../variables/tabla-variable';

/** Where a table's scan got to: the last (instant, id) looked at. */
export interface Posicion {
  estampa: string;
  id: string;
}

export const INICIO: Posicion = { estampa: '-infinity', id: '0' };

/** Samples before these instants may be deleted, per device (others: the cut itself). */
export interface Horizontes {
  series: string[];
  hasta: Date[];
}

/** Queries of the samples' retention (rules in docs/scaling.md#facturacions-samples). */
@Injectable()
export class RetencionRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /** The billing variables' tables (each name checked again by tablaVariable). */
  async findVariables(): Promise<string[]> {
    const { rows } = await this.pool.query<{ nombre: string }>(
      `SELECT tablename AS nombre FROM pg_tables WHERE schemaname = 'variables' ORDER BY 1`,
    );
    return rows.map((r) => r.nombre);
  }

  /**
   * Per device in an account, the UTC day before which its samples may go:
   * the first instant of an assignment that no final statement of its account
   * covers (a draft's period, a period not billed yet), or the cut if earlier.
   */
  async findHorizontes(corte: Date): Promise<Horizontes> {
    const { rows } = await this.pool.query<{ numero_serie: string; hasta: Date }>(
      `SELECT cd.numero_serie,
              date_trunc('day', least($1::timestamptz, min(c.t)), 'UTC') AS hasta
       FROM cuenta_dispositivo cd
       CROSS JOIN LATERAL (
         SELECT cd.desde AS t
         UNION ALL
         SELECT f.hasta FROM factura f
         WHERE f.cuenta_id = cd.cuenta_id AND f.estado = 'final' AND f.hasta > cd.desde) c
       WHERE (cd.hasta IS NULL OR c.t < cd.hasta)
         AND NOT EXISTS (
           SELECT 1 FROM factura f
           WHERE f.cuenta_id = cd.cuenta_id AND f.estado = 'final' AND f.desde <= c.t AND c.t < f.hasta)
       GROUP BY cd.numero_serie`,
      [corte],
    );
    return { series: rows.map((r) => r.numero_serie), hasta: rows.map((r) => r.hasta) };
  }

  /**
   * Deletes, among the next `limite` samples of a table before the cut (in
   * instant order from `desde`), those before their device's horizon;
   * records each device's horizon. One statement: short row locks only.
   */
  async deleteLote(
    nombre: string,
    corte: Date,
    h: Horizontes,
    desde: Posicion,
    limite: number,
  ): Promise<{ vistas: number; borradas: number; hasta?: Posicion }> {
    const tabla = tablaVariable(nombre);
    const { rows } = await this.pool.query<{
      vistas: number;
      borradas: number;
      estampa: string | null;
      id: string | null;
    }>(
      `WITH h AS (SELECT * FROM unnest($2::text[], $3::timestamptz[]) AS h(numero_serie, hasta)),
       vistas AS (
         SELECT id_dispositivo, numero_serie, estampa_tiempo FROM ${tabla}
         WHERE estampa_tiempo < $1 AND (estampa_tiempo, id_dispositivo) > ($4::timestamptz, $5::bigint)
         ORDER BY estampa_tiempo, id_dispositivo LIMIT $6),
       borradas AS (
         DELETE FROM ${tabla} t USING vistas v LEFT JOIN h USING (numero_serie)
         WHERE t.id_dispositivo = v.id_dispositivo AND v.estampa_tiempo < coalesce(h.hasta, $1)
         RETURNING t.numero_serie, coalesce(h.hasta, $1) AS hasta),
       registradas AS (
         INSERT INTO retencion_muestras (numero_serie, hasta)
         SELECT numero_serie, max(hasta) FROM borradas GROUP BY 1
         ON CONFLICT (numero_serie) DO UPDATE
         SET hasta = greatest(retencion_muestras.hasta, EXCLUDED.hasta), en = now())
       SELECT (SELECT count(*) FROM vistas)::int AS vistas,
              (SELECT count(*) FROM borradas)::int AS borradas,
              u.estampa_tiempo::text AS estampa, u.id_dispositivo::text AS id
       FROM (SELECT 1) x LEFT JOIN LATERAL (
         SELECT estampa_tiempo, id_dispositivo FROM vistas
         ORDER BY estampa_tiempo DESC, id_dispositivo DESC LIMIT 1) u ON true`,
      [corte, h.series, h.hasta, desde.estampa, desde.id, limite],
    );
    const r = rows[0];
    return {
      vistas: r.vistas,
      borradas: r.borradas,
      hasta: r.estampa && r.id ? { estampa: r.estampa, id: r.id } : undefined,
    };
  }

  /** Energy marks of days whose samples are (partly) gone: never recomputed, dropped. */
  async deleteMarcasRetenidas(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM energia_pendiente p USING retencion_muestras r
       WHERE r.numero_serie = p.numero_serie AND p.dia <= (r.hasta AT TIME ZONE 'UTC')::date`,
    );
    return rowCount ?? 0;
  }
}

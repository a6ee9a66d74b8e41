import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { Cubeta } from './reducir';

type Par = [number, number];

/** The readings of one device's variable: uncompacted rows, then compacted days unnested. */
const LECTURAS = `
  SELECT date_part('epoch', estampa_tiempo) * 1000 AS ms, valor_variable AS v
  FROM lectura_codificada
  WHERE dispositivo_id = $1 AND variable_id = $2 AND estampa_tiempo >= $3 AND estampa_tiempo < $4
  UNION ALL
  SELECT date_part('epoch', c.dia) * 1000 + u.ms, u.valor
  FROM lectura_compacta c CROSS JOIN LATERAL unnest(c.estampas, c.valores) AS u(ms, valor)
  WHERE c.dispositivo_id = $1 AND c.variable_id = $2
    AND c.dia >= ($3::timestamptz AT TIME ZONE 'UTC')::date
    AND c.dia <= ($4::timestamptz AT TIME ZONE 'UTC')::date
    AND lectura_instante(c.dia, u.ms) >= $3 AND lectura_instante(c.dia, u.ms) < $4`;

/** Queries of the plots: buckets of a series, and what a device has sent. */
@Injectable()
export class GraficaRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /**
   * The buckets of `anchoMs` from `desde` that hold readings, in order: one
   * aggregate over the key index's range (arrays order by their first
   * element: the earliest, latest, lowest and highest with their partners).
   */
  async findCubetas(
    dispositivoId: number,
    variableId: number,
    desde: Date,
    hasta: Date,
    anchoMs: number,
  ): Promise<Cubeta[]> {
    const { rows } = await this.pool.query<{
      n: number;
      primera: Par;
      ultima: Par;
      minima: Par;
      maxima: Par;
    }>({
      // unnamed: planned for its own range each time (a prepared statement's generic plan
      // cannot weigh a year against an hour, nor prune the weeks outside it)
      text: `SELECT count(*)::int AS n, min(ARRAY[ms, v]) AS primera, max(ARRAY[ms, v]) AS ultima,
                    min(ARRAY[v, ms]) AS minima, max(ARRAY[v, ms]) AS maxima
             FROM (${LECTURAS}) r
             GROUP BY floor((ms - $5) / $6) ORDER BY floor((ms - $5) / $6)`,
      values: [dispositivoId, variableId, desde, hasta, desde.getTime(), anchoMs],
    });
    return rows.map((r) => ({
      n: r.n,
      t0: r.primera[0],
      v0: r.primera[1],
      t1: r.ultima[0],
      v1: r.ultima[1],
      tMin: r.minima[1],
      vMin: r.minima[0],
      tMax: r.maxima[1],
      vMax: r.maxima[0],
    }));
  }

  /** A device's variables with their first and last instants (compacted ones included). */
  async findVariables(
    dispositivoId: number,
  ): Promise<{ nombreVariable: string; primera: Date; ultima: Date }[]> {
    const { rows } = await this.pool.query<{ nombre: string; primera: Date; ultima: Date }>(
      `SELECT v.nombre_variable AS nombre,
              least(h.primera, k.primera) AS primera, greatest(h.ultima, k.ultima) AS ultima
       FROM variable v
       CROSS JOIN LATERAL (
         SELECT min(estampa_tiempo) AS primera, max(estampa_tiempo) AS ultima
         FROM lectura_codificada l WHERE l.dispositivo_id = $1 AND l.variable_id = v.id) h
       CROSS JOIN LATERAL (
         SELECT min(lectura_instante(c.dia, c.estampas[1])) AS primera,
                max(lectura_instante(c.dia, c.estampas[cardinality(c.estampas)])) AS ultima
         FROM lectura_compacta c WHERE c.dispositivo_id = $1 AND c.variable_id = v.id) k
       WHERE h.primera IS NOT NULL OR k.primera IS NOT NULL
       ORDER BY 1`,
      [dispositivoId],
    );
    return rows.map((r) => ({ nombreVariable: r.nombre, primera: r.primera, ultima: r.ultima }));
  }

  /** Serials starting with `prefijo`, in order (a scan of the dictionary: one row a device). */
  async findSeries(prefijo: string, limite: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ numero_serie: string }>(
      `SELECT numero_serie FROM dispositivo
       WHERE left(numero_serie, length($1)) = $1
       ORDER BY numero_serie COLLATE "C" LIMIT $2`,
      [prefijo, limite],
    );
    return rows.map((r) => r.numero_serie);
  }
}

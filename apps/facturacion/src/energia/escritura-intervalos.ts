import { CopiaBinaria, copyIn, Queryable } from '@iot/database';
import type { PoolClient } from 'pg';
import { Intervalo, Reinicio } from './integracion';

/**
 * The intervals of [desde, hasta) of a device that has none yet (a first
 * computation: most rows the job ever writes), by binary COPY: PostgreSQL
 * does about half of `reemplazarIntervalos`' work for them. With the days
 * they fill in `energia_dia`.
 */
export async function copyIntervalos(
  tx: PoolClient,
  numeroSerie: string,
  xs: Intervalo[],
): Promise<void> {
  if (xs.length === 0) return;
  const copia = new CopiaBinaria(xs.length * (110 + Buffer.byteLength(numeroSerie)));
  for (const x of xs) {
    copia
      .fila(8)
      .texto(numeroSerie)
      .timestamptz(x.inicio)
      .timestamptz(x.fin)
      .numeric(x.energia.toFixed(9))
      .texto(x.unidad)
      .texto(x.fuente)
      .numeric(x.cobertura.toFixed(6))
      .texto(x.calidad);
  }
  await copyIn(
    tx,
    `COPY energia_intervalo (numero_serie, inicio, fin, energia, unidad, fuente, cobertura, calidad)
     FROM STDIN (FORMAT binary)`,
    copia.terminar(),
  );
  // the UTC days they fill (YYYY-MM-DD)
  const dias = [...new Set(xs.map((x) => new Date(x.inicio).toISOString().slice(0, 10)))];
  await tx.query(
    `INSERT INTO energia_dia (numero_serie, dia, calculado_en)
     SELECT $1, d, clock_timestamp() FROM unnest($2::date[]) AS d
     ON CONFLICT (numero_serie, dia) DO UPDATE SET calculado_en = EXCLUDED.calculado_en`,
    [numeroSerie, dias],
  );
}

/**
 * Replaces the intervals of [desde, hasta) in one statement: rows no longer
 * computed go, changed rows move their version, new rows are plain inserts
 * (an upsert would probe for each).
 */
export async function reemplazarIntervalos(
  q: Queryable,
  numeroSerie: string,
  desde: number,
  hasta: number,
  xs: Intervalo[],
): Promise<void> {
  await q.query(
    // columns as comma-separated text: serializing eight arrays element by element cost
    // more than the integration; an empty field is NULL (a faltante interval's unit)
    `WITH nuevo AS (
       SELECT to_timestamp(i / 1000.0) AS inicio, to_timestamp((i + $5) / 1000.0) AS fin,
              e AS energia, u AS unidad, s AS fuente, c AS cobertura, q AS calidad
       FROM unnest(string_to_array($4, ',')::float8[], string_to_array($6, ',')::numeric[],
                   string_to_array($7, ',', ''), string_to_array($8, ',', ''),
                   string_to_array($9, ',')::numeric[], string_to_array($10, ','))
            AS x(i, e, u, s, c, q)),
     borrado AS (
       DELETE FROM energia_intervalo v
       WHERE v.numero_serie = $1 AND v.inicio >= $2 AND v.inicio < $3
         -- NOT IN a subquery: a hashed subplan (NOT EXISTS planned a nested loop here)
         AND v.inicio NOT IN (SELECT inicio FROM nuevo)
       RETURNING v.inicio),
     cambiado AS (
       UPDATE energia_intervalo v
       SET fin = n.fin, energia = n.energia, unidad = n.unidad, fuente = n.fuente,
           cobertura = n.cobertura, calidad = n.calidad,
           version = v.version + 1, calculado_en = clock_timestamp()
       FROM nuevo n
       WHERE v.numero_serie = $1 AND v.inicio = n.inicio
         AND (v.energia, v.unidad, v.fuente, v.cobertura, v.calidad)
             IS DISTINCT FROM (n.energia, n.unidad, n.fuente, n.cobertura, n.calidad)
       RETURNING v.inicio),
     insertado AS (
       INSERT INTO energia_intervalo
         (numero_serie, inicio, fin, energia, unidad, fuente, cobertura, calidad)
       SELECT $1, n.* FROM nuevo n
       WHERE NOT EXISTS (
         SELECT 1 FROM energia_intervalo v WHERE v.numero_serie = $1 AND v.inicio = n.inicio)
       RETURNING inicio)
     -- the UTC days whose intervals changed (ConsumoRepository.findCambiados reads them)
     INSERT INTO energia_dia (numero_serie, dia, calculado_en)
     SELECT $1, (inicio AT TIME ZONE 'UTC')::date, clock_timestamp()
     FROM (SELECT inicio FROM borrado UNION ALL SELECT inicio FROM cambiado
           UNION ALL SELECT inicio FROM insertado) x
     GROUP BY 2
     ON CONFLICT (numero_serie, dia) DO UPDATE SET calculado_en = EXCLUDED.calculado_en`,
    [
      numeroSerie,
      new Date(desde),
      new Date(hasta),
      xs.map((x) => x.inicio).join(','),
      xs.length > 0 ? xs[0].fin - xs[0].inicio : 0,
      xs.map((x) => x.energia.toFixed(9)).join(','),
      xs.map((x) => x.unidad ?? '').join(','),
      xs.map((x) => x.fuente ?? '').join(','),
      xs.map((x) => x.cobertura.toFixed(6)).join(','),
      xs.map((x) => x.calidad).join(','),
    ],
  );
}

export async function saveReinicios(
  q: Queryable,
  numeroSerie: string,
  variable: string,
  desde: number,
  hasta: number,
  reinicios: Reinicio[],
): Promise<void> {
  await q.query(
    `WITH borrados AS (
       DELETE FROM contador_reinicio
       WHERE numero_serie = $1 AND variable = $2 AND instante >= $3 AND instante < $4)
     INSERT INTO contador_reinicio (numero_serie, variable, instante, antes, despues)
     SELECT $1, $2, to_timestamp(t / 1000.0), a, d
     FROM unnest($5::float8[], $6::float8[], $7::float8[]) AS u(t, a, d)
     ON CONFLICT DO NOTHING`,
    [
      numeroSerie,
      variable,
      new Date(desde),
      new Date(hasta),
      reinicios.map((r) => r.t),
      reinicios.map((r) => r.antes),
      reinicios.map((r) => r.despues),
    ],
  );
}

import { copyOutPartes, inTransaction } from '@iot/database';
import { escapeLiteral } from 'pg';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { tablaVariable } from '../variables/tabla-variable';
import { Intervalo, Reinicio, Serie } from './integracion';
import { copyIntervalos, reemplazarIntervalos, saveReinicios } from './escritura-intervalos';
import { serieDeBytes, serieDeCopia } from './muestras-binarias';

export type Tipo = 'instantaneo' | 'contador';

export interface VariableCatalogada {
  nombre: string;
  tipo: Tipo;
  unidad: string;
  /** Whether the sync has created its table (it has been billed). */
  facturada: boolean;
}

export interface Marca {
  numeroSerie: string;
  /** UTC day, YYYY-MM-DD. */
  dia: string;
  /** The highest mark id read for that day: later marks survive the delete. */
  ultimoId: string;
}

export interface Medicion {
  factorPotencia: number | null;
  tensionNominal: number | null;
}

const medicionDe = (fp: string | null, tn: string | null): Medicion => ({
  factorPotencia: fp === null ? null : Number(fp),
  tensionNominal: tn === null ? null : Number(tn),
});

/** A device with marks, and what the energy job needs of it. */
export interface Pendiente {
  numeroSerie: string;
  marcas: Marca[];
  medicion: Medicion;
  /** Whether it has intervals already (false: its windows are written by COPY). */
  conIntervalos: boolean;
}

/** One window of a device's recomputation, ready to be written. */
export interface Calculo {
  desde: number;
  hasta: number;
  intervalos: Intervalo[];
  reinicios: Reinicio[];
}

export interface FilaEnergia {
  inicio: Date;
  fin: Date;
  energia: string;
  unidad: string | null;
  fuente: string | null;
  cobertura: string;
  calidad: string;
  version: number;
  calculadoEn: Date;
}

/** The metering store: catalog, device settings, marks, intervals; readings of the variable tables. */
@Injectable()
export class EnergiaRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  async findCatalogo(): Promise<VariableCatalogada[]> {
    const { rows } = await this.pool.query<VariableCatalogada>(
      `SELECT c.nombre, c.tipo, c.unidad, (v.nombre IS NOT NULL) AS facturada
       FROM catalogo_variable c LEFT JOIN variable_facturada v USING (nombre) ORDER BY c.nombre`,
    );
    return rows;
  }

  /**
   * Declares a variable's kind and unit; every (device, day) it already has
   * is marked, since its energy may change.
   */
  async saveCatalogo(nombre: string, tipo: Tipo, unidad: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO catalogo_variable (nombre, tipo, unidad) VALUES ($1, $2, $3)
         ON CONFLICT (nombre) DO UPDATE SET tipo = $2, unidad = $3, actualizado_en = now()`,
        [nombre, tipo, unidad],
      );
      const { rows } = await client.query(`SELECT 1 FROM variable_facturada WHERE nombre = $1`, [
        nombre,
      ]);
      if (rows.length > 0) {
        await client.query(
          `INSERT INTO energia_pendiente (numero_serie, dia)
           SELECT DISTINCT numero_serie, (estampa_tiempo AT TIME ZONE 'UTC')::date
           FROM ${tablaVariable(nombre)}`,
        );
      }
    });
  }

  async findMedicion(numeroSerie: string): Promise<Medicion> {
    const { rows } = await this.pool.query<{ fp: string | null; tn: string | null }>(
      `SELECT factor_potencia AS fp, tension_nominal AS tn FROM dispositivo_medicion
       WHERE numero_serie = $1`,
      [numeroSerie],
    );
    return medicionDe(rows[0]?.fp ?? null, rows[0]?.tn ?? null);
  }

  /** Device settings; every day the device has energy for is marked for recomputation. */
  async saveMedicion(numeroSerie: string, m: Medicion): Promise<void> {
    await this.pool.query(
      `WITH guardada AS (
         INSERT INTO dispositivo_medicion (numero_serie, factor_potencia, tension_nominal)
         VALUES ($1, $2, $3)
         ON CONFLICT (numero_serie) DO UPDATE
           SET factor_potencia = $2, tension_nominal = $3, actualizado_en = now()
         RETURNING numero_serie)
       INSERT INTO energia_pendiente (numero_serie, dia)
       SELECT DISTINCT e.numero_serie, (e.inicio AT TIME ZONE 'UTC')::date
       FROM energia_intervalo e JOIN guardada g USING (numero_serie)`,
      [numeroSerie, m.factorPotencia, m.tensionNominal],
    );
  }

  /**
   * The first `limite` marked (device, day) pairs, by device, with what the
   * job needs of each: its settings, and whether it has any interval yet
   * (none: a first computation, written by COPY). `marcas`: how many pairs.
   */
  async findPendientes(limite: number): Promise<{ marcas: number; dispositivos: Pendiente[] }> {
    const { rows } = await this.pool.query<
      Marca & { fp: string | null; tn: string | null; calculado: boolean }
    >(
      `WITH m AS (
         SELECT numero_serie, dia, max(id) AS ultimo FROM energia_pendiente p
         -- a day whose samples retention deleted (or the day after, which may integrate from
         -- them) keeps its intervals: the retention drops such marks
         WHERE NOT EXISTS (SELECT 1 FROM retencion_muestras r
           WHERE r.numero_serie = p.numero_serie AND p.dia <= (r.hasta AT TIME ZONE 'UTC')::date)
         GROUP BY numero_serie, dia ORDER BY numero_serie, dia LIMIT $1),
       -- one index probe per device (as EXISTS, it may be planned as a scan of every interval)
       d AS (
         SELECT s.numero_serie,
                (SELECT true FROM energia_intervalo e WHERE e.numero_serie = s.numero_serie LIMIT 1)
                  AS calculado
         FROM (SELECT DISTINCT numero_serie FROM m) s)
       SELECT m.numero_serie AS "numeroSerie", to_char(m.dia, 'YYYY-MM-DD') AS dia,
              m.ultimo::text AS "ultimoId", x.factor_potencia AS fp, x.tension_nominal AS tn,
              d.calculado IS NOT NULL AS calculado
       FROM m JOIN d USING (numero_serie) LEFT JOIN dispositivo_medicion x USING (numero_serie)
       ORDER BY m.numero_serie, m.dia`,
      [limite],
    );
    // ordered by device: its rows are consecutive
    const dispositivos: Pendiente[] = [];
    for (const r of rows) {
      const marca = { numeroSerie: r.numeroSerie, dia: r.dia, ultimoId: r.ultimoId };
      const ultimo = dispositivos.at(-1);
      if (ultimo?.numeroSerie === r.numeroSerie) ultimo.marcas.push(marca);
      else {
        dispositivos.push({
          numeroSerie: r.numeroSerie,
          marcas: [marca],
          medicion: medicionDe(r.fp, r.tn),
          conIntervalos: r.calculado,
        });
      }
    }
    return { marcas: rows.length, dispositivos };
  }

  /**
   * One device's recomputation: each window's intervals and contador resets,
   * and the marks it consumed (up to the highest id read per day: a mark
   * added meanwhile stays), in one transaction.
   */
  async saveCalculos(
    numeroSerie: string,
    contador: string | undefined,
    calculos: Calculo[],
    marcas: Marca[],
    conIntervalos: boolean,
  ): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      for (const c of calculos) {
        if (conIntervalos) {
          await reemplazarIntervalos(tx, numeroSerie, c.desde, c.hasta, c.intervalos);
        } else await copyIntervalos(tx, numeroSerie, c.intervalos);
        if (contador) await saveReinicios(tx, numeroSerie, contador, c.desde, c.hasta, c.reinicios);
      }
      await tx.query(
        `DELETE FROM energia_pendiente p USING unnest($2::date[], $3::bigint[]) AS u(d, m)
         WHERE p.numero_serie = $1 AND p.dia = u.d AND p.id <= u.m`,
        [numeroSerie, marcas.map((m) => m.dia), marcas.map((m) => m.ultimoId)],
      );
    });
  }

  /**
   * The device's readings of a variable in [desde, hasta), by time, read raw
   * as one bytea of 16-byte records (see `serieDeCopia`): text rows cost more
   * to build and parse than the whole integration.
   */
  async findMuestras(
    variable: string,
    numeroSerie: string,
    desde: number,
    hasta: number,
  ): Promise<Serie> {
    // from an index-ordered subquery: PostgreSQL 15 would sort again for an ORDER BY inside
    // the aggregate; the order is checked (and restored if needed) by the integration anyway
    const partes = await copyOutPartes(
      this.pool,
      `SELECT string_agg(timestamptz_send(estampa_tiempo) || float8send(valor_variable), '')
       FROM (SELECT estampa_tiempo, valor_variable FROM ${tablaVariable(variable)}
             WHERE numero_serie = ${escapeLiteral(numeroSerie)}
               AND estampa_tiempo >= ${escapeLiteral(new Date(desde).toISOString())}
               AND estampa_tiempo < ${escapeLiteral(new Date(hasta).toISOString())}
             ORDER BY estampa_tiempo) s`,
    );
    return serieDeCopia(partes);
  }

  /** The reading just before `t` and the first at or after `t2`, however far (a contador's gap). */
  async findVecinas(variable: string, numeroSerie: string, t: number, t2: number): Promise<Serie> {
    const tabla = tablaVariable(variable);
    const { rows } = await this.pool.query<{ b: Buffer }>(
      `(SELECT timestamptz_send(estampa_tiempo) || float8send(valor_variable) AS b
        FROM ${tabla} WHERE numero_serie = $1 AND estampa_tiempo < $2
        ORDER BY estampa_tiempo DESC LIMIT 1)
       UNION ALL
       (SELECT timestamptz_send(estampa_tiempo) || float8send(valor_variable)
        FROM ${tabla} WHERE numero_serie = $1 AND estampa_tiempo >= $3
        ORDER BY estampa_tiempo LIMIT 1)`,
      [numeroSerie, new Date(t), new Date(t2)],
    );
    return serieDeBytes(Buffer.concat(rows.map((r) => r.b)));
  }

  /** Intervals of one device in [desde, hasta), by time. */
  async findIntervalos(numeroSerie: string, desde: Date, hasta: Date): Promise<FilaEnergia[]> {
    const { rows } = await this.pool.query<FilaEnergia>(
      `SELECT inicio, fin, energia::text AS energia, unidad, fuente, cobertura::text AS cobertura,
              calidad, version, calculado_en AS "calculadoEn"
       FROM energia_intervalo WHERE numero_serie = $1 AND inicio >= $2 AND inicio < $3
       ORDER BY inicio`,
      [numeroSerie, desde, hasta],
    );
    return rows;
  }

  /** Intervals recomputed after `desde` (or changed since), keyset on (calculado_en, serie, inicio). */
  async findCambios(
    desde: Date,
    despuesDe: { calculadoEn: string; numeroSerie: string; inicio: string } | undefined,
    limite: number,
  ): Promise<Array<FilaEnergia & { numeroSerie: string; calculadoEnTexto: string }>> {
    const { rows } = await this.pool.query<
      FilaEnergia & { numeroSerie: string; calculadoEnTexto: string }
    >(
      `SELECT numero_serie AS "numeroSerie", inicio, fin, energia::text AS energia, unidad, fuente,
              cobertura::text AS cobertura, calidad, version, calculado_en AS "calculadoEn",
              to_char(calculado_en AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "calculadoEnTexto"
       FROM energia_intervalo
       WHERE calculado_en > $1
         AND ($2::timestamptz IS NULL OR (calculado_en, numero_serie, inicio) > ($2, $3, $4))
       ORDER BY calculado_en, numero_serie, inicio LIMIT $5`,
      [
        desde,
        despuesDe?.calculadoEn ?? null,
        despuesDe?.numeroSerie ?? null,
        despuesDe?.inicio ?? null,
        limite,
      ],
    );
    return rows;
  }

  /** The local days of [desde, hasta) in `zona`: each one's start and end instants (23 or 25 hours on DST days). */
  async findDiasLocales(
    desde: Date,
    hasta: Date,
    zona: string,
  ): Promise<Array<{ dia: string; inicio: Date; fin: Date }>> {
    const { rows } = await this.pool.query<{ dia: string; inicio: Date; fin: Date }>(
      `SELECT to_char(g, 'YYYY-MM-DD') AS dia, g::timestamp AT TIME ZONE $3 AS inicio,
              (g + interval '1 day')::timestamp AT TIME ZONE $3 AS fin
       FROM generate_series(($1::timestamptz AT TIME ZONE $3)::date,
                            (($2::timestamptz - interval '1 microsecond') AT TIME ZONE $3)::date,
                            interval '1 day') AS g`,
      [desde, hasta, zona],
    );
    return rows;
  }

  /** A day's covered share and the share of its energy in `estimado` intervals. */
  /** Per day (the given [inicio, fin) pairs): covered share and the share of energy in `estimado` intervals. */
  async findResumenDias(
    serie: string,
    dias: Array<{ inicio: Date; fin: Date }>,
    intervaloS: number,
  ): Promise<Array<{ cobertura: string; estimada: string }>> {
    const { rows } = await this.pool.query<{ cobertura: string; estimada: string }>(
      `SELECT round(coalesce(sum(e.cobertura), 0) * $4 / extract(epoch FROM d.f - d.i), 6)::text AS cobertura,
              round(coalesce(sum(e.energia) FILTER (WHERE e.calidad = 'estimado') / nullif(sum(e.energia), 0), 0), 6)::text AS estimada
       FROM unnest($2::timestamptz[], $3::timestamptz[]) AS d(i, f)
       LEFT JOIN energia_intervalo e ON e.numero_serie = $1 AND e.inicio >= d.i AND e.inicio < d.f
       GROUP BY d.i, d.f ORDER BY d.i`,
      [serie, dias.map((d) => d.inicio), dias.map((d) => d.fin), intervaloS],
    );
    return rows;
  }

  async findReinicios(serie: string, variable: string, inicio: Date, fin: Date) {
    const { rows } = await this.pool.query<{ instante: Date; antes: number; despues: number }>(
      `SELECT instante, antes, despues FROM contador_reinicio
       WHERE numero_serie = $1 AND variable = $2 AND instante >= $3 AND instante < $4 ORDER BY instante`,
      [serie, variable, inicio, fin],
    );
    return rows;
  }
}

export type Agrupacion = '15m' | 'hora' | 'dia' | 'mes';

export interface FilaUso {
  inicio: Date;
  fin: Date;
  /** Seconds east of UTC of the bucket's start in the zone (a repeated hour: two offsets). */
  offsetS: number;
  unidad: string | null;
  energia: string;
  cobertura: string;
  real: number;
  estimado: number;
  faltante: number;
}

const BUCKET: Record<Agrupacion, string> = {
  '15m': `date_bin('15 minutes', inicio, TIMESTAMPTZ '2000-01-01 00:00:00+00')`,
  hora: `date_trunc('hour', inicio, $4)`,
  dia: `date_trunc('day', inicio, $4)`,
  mes: `date_trunc('month', inicio, $4)`,
};
// hours are absolute (a repeated hour is an hour); days and months are local calendar steps
const FIN: Record<Agrupacion, string> = {
  '15m': `b + interval '15 minutes'`,
  hora: `b + interval '1 hour'`,
  dia: `((b AT TIME ZONE $4) + interval '1 day') AT TIME ZONE $4`,
  mes: `((b AT TIME ZONE $4) + interval '1 month') AT TIME ZONE $4`,
};

/**
 * Energy of one device per bucket and unit: sums of the stored intervals,
 * local days and months through the IANA zone (a DST day has 23 or 25
 * hours; the repeated hour is two buckets). Coverage: the covered share of
 * the bucket's whole length (intervals with no row count as uncovered).
 */
export async function findUso(
  pool: Pool,
  numeroSerie: string,
  desde: Date,
  hasta: Date,
  agrupacion: Agrupacion,
  zona: string,
  intervaloS: number,
): Promise<FilaUso[]> {
  const { rows } = await pool.query<FilaUso>(
    `SELECT b AS inicio, bfin AS fin,
            extract(epoch FROM (b AT TIME ZONE $4) - (b AT TIME ZONE 'UTC'))::int AS "offsetS",
            unidad, sum(energia)::text AS energia,
            round(sum(cobertura) * $5 / extract(epoch FROM bfin - b), 6)::text AS cobertura,
            count(*) FILTER (WHERE calidad = 'real')::int AS real,
            count(*) FILTER (WHERE calidad = 'estimado')::int AS estimado,
            count(*) FILTER (WHERE calidad = 'faltante')::int AS faltante
     FROM (SELECT ${BUCKET[agrupacion]} AS b, * FROM energia_intervalo
           WHERE numero_serie = $1 AND inicio >= $2 AND inicio < $3) x,
          LATERAL (SELECT ${FIN[agrupacion]} AS bfin) f
     GROUP BY b, bfin, unidad ORDER BY b, unidad NULLS LAST`,
    [numeroSerie, desde, hasta, zona, intervaloS],
  );
  return rows;
}

export const diaInicio = (dia: string): number => Date.parse(`${dia}T00:00:00Z`);

import { endianness } from 'node:os';
import { copyOutBytea, inTransaction, Queryable } from '@iot/database';
import { escapeLiteral } from 'pg';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { tablaVariable } from '../variables/tabla-variable';
import { Intervalo, Reinicio, Serie, SERIE_VACIA } from './integracion';

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
    return {
      factorPotencia: rows[0]?.fp == null ? null : Number(rows[0].fp),
      tensionNominal: rows[0]?.tn == null ? null : Number(rows[0].tn),
    };
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

  async findMarcas(limite: number): Promise<Marca[]> {
    const { rows } = await this.pool.query<Marca>(
      `SELECT numero_serie AS "numeroSerie", to_char(dia, 'YYYY-MM-DD') AS dia, max(id)::text AS "ultimoId"
       FROM energia_pendiente GROUP BY numero_serie, dia ORDER BY numero_serie, dia LIMIT $1`,
      [limite],
    );
    return rows;
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
  ): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      for (const c of calculos) {
        await saveIntervalos(tx, numeroSerie, c.desde, c.hasta, c.intervalos);
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
   * as one bytea of 16-byte records (see `serieDeBytes`): text rows cost more
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
    const b = await copyOutBytea(
      this.pool,
      `SELECT string_agg(timestamptz_send(estampa_tiempo) || float8send(valor_variable), '')
       FROM (SELECT estampa_tiempo, valor_variable FROM ${tablaVariable(variable)}
             WHERE numero_serie = ${escapeLiteral(numeroSerie)}
               AND estampa_tiempo >= ${escapeLiteral(new Date(desde).toISOString())}
               AND estampa_tiempo < ${escapeLiteral(new Date(hasta).toISOString())}
             ORDER BY estampa_tiempo) s`,
    );
    return b ? serieDeBytes(b) : SERIE_VACIA;
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

/** PostgreSQL's epoch (2000-01-01Z) in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Readings from records of PostgreSQL's binary forms: timestamptz (int64
 * microseconds since 2000) then float8, both big-endian. Times are rounded to
 * the millisecond, as the rest of the pipeline counts in milliseconds.
 * Consumes `b` (its bytes are reordered in place).
 */
export function serieDeBytes(b: Buffer): Serie {
  const n = b.length >> 4;
  // in the machine's byte order, read through typed views: in place when the buffer is
  // aligned (a large decoded buffer is: it has an allocation of its own), else a copy
  const bytes =
    b.byteOffset % 8 === 0 && b.length % 8 === 0
      ? b.subarray(0, n * 16)
      : Buffer.from(new Uint8Array(b.subarray(0, n * 16)).buffer); // a copy at offset 0
  if (LITTLE_ENDIAN) bytes.swap64();
  const u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, n * 4);
  const i32 = new Int32Array(bytes.buffer, bytes.byteOffset, n * 4);
  const f64 = new Float64Array(bytes.buffer, bytes.byteOffset, n * 2);
  const [bajo, alto] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // two 32-bit halves: exact below 2^53 microseconds (year 2285), no BigInt per reading
    const us = i32[4 * k + alto] * 4_294_967_296 + u32[4 * k + bajo];
    t[k] = Math.round(us / 1000) + PG_EPOCH_MS;
    v[k] = f64[2 * k + 1];
  }
  return { t, v };
}

/**
 * Replaces the intervals of [desde, hasta) in one statement: rows no longer
 * computed go, changed rows move their version, new rows are plain inserts
 * (most rows of a first computation; an upsert would probe for each).
 * The energy job is the only writer (its advisory lock).
 */
async function saveIntervalos(
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

async function saveReinicios(
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

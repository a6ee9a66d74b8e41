import { Cursor, InvalidInputError } from '@iot/common';

import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { tablaVariable } from './tabla-variable';

export interface VariableFacturada {
  nombre: string;
  filas: number;
  primeraLectura: string | null;
  ultimaLectura: string | null;
  ultimaSincronizacion: string | null;
}

export interface Filtro {
  numeroSerie?: string;
  /** Inclusive. */
  desde?: Date;
  /** Exclusive. */
  hasta?: Date;
}

export interface LecturaFacturada {
  idDispositivo: number;
  numeroSerie: string;
  estampaTiempo: Date;
  valorVariable: number;
}

export type Intervalo = 'hora' | 'dia' | 'semana' | 'mes';

export interface Bucket {
  inicio: string;
  fin: string;
  numeroSerie?: string;
  cantidad: number;
  minimo: number;
  maximo: number;
  promedio: number;
  /** null: beyond float8's range (readings stored before the ±1e15 rule). */
  suma: number | null;
}

/** The largest finite float8. */
const FLOAT8_MAX = '1.7976931348623157e308';

const UNIDAD: Record<Intervalo, string> = {
  hora: 'hour',
  dia: 'day',
  semana: 'week',
  mes: 'month',
};

const INVALID_PARAMETER_VALUE = '22023';

/** Conditions and parameters of a filter, values always as parameters. */
function where(f: Filtro, params: unknown[]): string[] {
  const conditions: string[] = [];
  if (f.numeroSerie !== undefined) {
    params.push(f.numeroSerie);
    conditions.push(`numero_serie = $${params.length}`);
  }
  if (f.desde) {
    params.push(f.desde.toISOString());
    conditions.push(`estampa_tiempo >= $${params.length}`);
  }
  if (f.hasta) {
    params.push(f.hasta.toISOString());
    conditions.push(`estampa_tiempo < $${params.length}`);
  }
  return conditions;
}

/** The read side of the per-variable tables: what billing staff ask. */
@Injectable()
export class VariablesRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  async findAll(): Promise<VariableFacturada[]> {
    const { rows } = await this.pool.query<{
      nombre: string;
      filas: string;
      primera_lectura: Date | null;
      ultima_lectura: Date | null;
      ultima_sincronizacion: Date | null;
    }>(
      `SELECT nombre, filas, primera_lectura, ultima_lectura, ultima_sincronizacion
       FROM variable_facturada ORDER BY nombre`,
    );
    return rows.map((r) => ({
      nombre: r.nombre,
      filas: Number(r.filas),
      primeraLectura: r.primera_lectura?.toISOString() ?? null,
      ultimaLectura: r.ultima_lectura?.toISOString() ?? null,
      ultimaSincronizacion: r.ultima_sincronizacion?.toISOString() ?? null,
    }));
  }

  async exists(nombre: string): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM variable_facturada WHERE nombre = $1`, [
      nombre,
    ]);
    return rows.length > 0;
  }

  /** One keyset page in (estampaTiempo, id) order: no OFFSET, as fast on page 1000 as on page 1. */
  async findPage(
    nombre: string,
    filtro: Filtro,
    after: Cursor | undefined,
    limit: number,
  ): Promise<LecturaFacturada[]> {
    const params: unknown[] = [];
    const conditions = where(filtro, params);
    if (after) {
      params.push(after.estampaTiempo.toISOString(), after.id);
      conditions.push(
        `(estampa_tiempo, id_dispositivo) > ($${params.length - 1}::timestamptz, $${params.length}::bigint)`,
      );
    }
    params.push(limit);
    const { rows } = await this.pool.query<{
      id_dispositivo: string;
      numero_serie: string;
      estampa_ms: number;
      valor_variable: number;
    }>(
      `SELECT id_dispositivo, numero_serie,
         (extract(epoch FROM estampa_tiempo) * 1000)::float8 AS estampa_ms, valor_variable
       FROM ${tablaVariable(nombre)}
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY estampa_tiempo, id_dispositivo LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      idDispositivo: Number(r.id_dispositivo),
      numeroSerie: r.numero_serie,
      estampaTiempo: new Date(Math.round(r.estampa_ms)),
      valorVariable: r.valor_variable,
    }));
  }

  /**
   * count/min/max/avg/sum per bucket aligned in `zona` (a DST day has 23 or
   * 25 hours), per device when asked; at most `limit` buckets. Sums are taken
   * in numeric: float8's `avg` keeps a sum of squares and `sum` a float8 total,
   * both of which overflow (an error, not a value) on large stored values. The
   * average of float8 values is within their range, so always a float8; a sum
   * beyond float8's range (only possible with readings stored before the
   * ±1e15 rule) is null.
   */
  async summarize(
    nombre: string,
    intervalo: Intervalo,
    zona: string,
    filtro: Filtro,
    porDispositivo: boolean,
    limit: number,
  ): Promise<Bucket[]> {
    const params: unknown[] = [UNIDAD[intervalo], zona, `1 ${UNIDAD[intervalo]}`];
    const conditions = where(filtro, params);
    params.push(limit);
    const serie = porDispositivo ? ', numero_serie' : '';
    // an hour is an hour (across a repeated local hour too); longer buckets end at the next local boundary
    const fin =
      intervalo === 'hora'
        ? `inicio + $3::interval`
        : `((inicio AT TIME ZONE $2) + $3::interval) AT TIME ZONE $2`;
    try {
      const { rows } = await this.pool.query<{
        inicio: Date;
        fin: Date;
        numero_serie?: string;
        cantidad: string;
        minimo: number;
        maximo: number;
        promedio: number;
        suma: number | null;
      }>(
        `SELECT inicio, ${fin} AS fin${serie}, cantidad, minimo, maximo,
           (suma / cantidad)::float8 AS promedio,
           CASE WHEN abs(suma) <= ${FLOAT8_MAX} THEN suma::float8 END AS suma FROM (
           SELECT date_trunc($1, estampa_tiempo, $2) AS inicio${serie}, count(*) AS cantidad,
             min(valor_variable) AS minimo, max(valor_variable) AS maximo,
             sum(valor_variable::numeric) AS suma
           FROM ${tablaVariable(nombre)}
           ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
           GROUP BY 1${serie}) b
         ORDER BY inicio${serie} LIMIT $${params.length}`,
        params,
      );
      return rows.map((r) => ({
        inicio: r.inicio.toISOString(),
        fin: r.fin.toISOString(),
        ...(porDispositivo ? { numeroSerie: r.numero_serie } : {}),
        cantidad: Number(r.cantidad),
        minimo: r.minimo,
        maximo: r.maximo,
        promedio: r.promedio,
        suma: r.suma,
      }));
    } catch (error) {
      // a zone Node knows but this PostgreSQL's tz database does not
      if ((error as { code?: string }).code === INVALID_PARAMETER_VALUE) {
        throw new InvalidInputError([{ field: 'zona', reason: `unknown time zone ${zona}` }]);
      }
      throw error;
    }
  }
}

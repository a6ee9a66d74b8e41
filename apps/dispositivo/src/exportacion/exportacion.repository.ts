import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';

import { DiccionarioRepository } from '../almacen/diccionario.repository';
import type { LecturaGuardada } from '../lecturas/lectura';
import { ExportCursor } from './export-cursor';

/**
 * A LecturaRespuesta as JSON text, field for field what toRespuesta +
 * JSON.stringify write, in two parts around the names (added from the
 * dictionary's cache, see findExportPage): the instant as toISOString does,
 * the float in its shortest exact form (as JS prints it).
 */
const CABEZA = `'{"idDispositivo":' || id`;
const COLA = `',"estampaTiempo":"' || to_char(estampa_tiempo AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  || '","valorVariable":' || valor_variable::text || '}'`;

/** The names of a page of rows `p`, joined after the page is cut (the order is the page's). */
const NOMBRES = `JOIN dispositivo d ON d.id = p.dispositivo_id JOIN variable v ON v.id = p.variable_id`;

/** Beyond this many pending readings the lag is reported as this many. */
const LAG_CAP = 100_000;

/** /solicitud's widest window of ids (see findNewerThan). */
const VENTANA_MAX = 1_000_000;

/** One page of the export: its NDJSON lines and the cursor after the last of them. */
export interface PaginaExportada {
  lineas: string;
  filas: number;
  ultima: ExportCursor;
}

interface Row {
  id: string;
  numero_serie: string;
  nombre_variable: string;
  estampa_ms: number;
  valor_variable: number;
}

@Injectable()
export class ExportacionRepository {
  constructor(
    @Inject(Pool) private readonly pool: Pool,
    private readonly diccionario: DiccionarioRepository,
  ) {}

  /**
   * The oldest transaction still running (or the next to start): every
   * transaction below it has finished, so rows below it can no longer appear.
   */
  async findHorizon(): Promise<string> {
    const { rows } = await this.pool.query<{ h: string }>(
      'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS h',
    );
    return rows[0].h;
  }

  /** The ids of these variable names; with `registrar`, names never stored get theirs now. */
  findVariableIds(variables: string[], registrar: boolean): Promise<number[]> {
    return registrar
      ? this.diccionario.registrarVariables(variables)
      : this.diccionario.findVariableIds(variables);
  }

  /**
   * The next rows of these variables after `after`, below `horizon`, in (xid,
   * id) order, each already as its NDJSON line (a LecturaRespuesta): PostgreSQL
   * writes the JSON, so the export does not parse and re-serialise every row
   * (that cost three quarters of the export's time).
   */
  async findExportPage(
    variableIds: number[],
    after: ExportCursor,
    horizon: string,
    limit: number,
  ): Promise<PaginaExportada> {
    const { rows } = await this.pool.query<{
      cabeza: string;
      cola: string;
      dispositivo_id: number;
      variable_id: number;
      xid_texto: string;
      id: string;
    }>({
      name: 'lectura_export_lines',
      text: `SELECT ${CABEZA} AS cabeza, ${COLA} AS cola, dispositivo_id, variable_id,
         xid::text AS xid_texto, id
       FROM lectura_codificada
       WHERE xid < $1::xid8 AND (xid, id) > ($2::xid8, $3::bigint)
         AND variable_id = ANY($4::int[])
       ORDER BY xid, id LIMIT $5`,
      values: [horizon, after.xid, after.id, variableIds, limit],
    });
    if (rows.length === 0) return { lineas: '', filas: 0, ultima: after };
    // names from the dictionary's cache: joined in SQL, the page cost grew with the fleet
    const nombres = await this.diccionario.findJson(
      rows.map((r) => r.dispositivo_id),
      rows.map((r) => r.variable_id),
    );
    const last = rows[rows.length - 1];
    let lineas = '';
    for (const r of rows) {
      lineas += `${r.cabeza},"nombreVariable":${nombres.variable(r.variable_id)},"numeroSerie":${nombres.dispositivo(r.dispositivo_id)}${r.cola}\n`;
    }
    return { lineas, filas: rows.length, ultima: { xid: last.xid_texto, id: Number(last.id) } };
  }

  /**
   * How far a client at `after` is behind: readings stored after the cursor
   * (counted up to LAG_CAP, so a far-behind client costs one bounded scan) and
   * the age of the oldest of them, from the clock tick written just before
   * its transaction (at most one tick interval too old).
   */
  async findLag(
    variableIds: number[],
    after: ExportCursor,
  ): Promise<{ pendientes: number; retrasoSegundos: number }> {
    const { rows } = await this.pool.query<{ n: number; s: number | null }>({
      name: 'lectura_export_lag',
      text: `WITH pendientes AS (
         SELECT xid FROM lectura_codificada
         WHERE (xid, id) > ($1::xid8, $2::bigint) AND variable_id = ANY($3::int[])
         ORDER BY xid LIMIT ${LAG_CAP}
       ), primera AS (SELECT min(xid) AS xid FROM pendientes)
       SELECT (SELECT count(*) FROM pendientes)::int AS n,
         extract(epoch FROM now() - coalesce(
           (SELECT en FROM lectura_reloj WHERE xid <= (SELECT xid FROM primera)
            ORDER BY xid DESC LIMIT 1),
           (SELECT min(en) FROM lectura_reloj WHERE (SELECT xid FROM primera) IS NOT NULL)))::float8 AS s`,
      values: [after.xid, after.id, variableIds],
    });
    return { pendientes: rows[0].n, retrasoSegundos: Math.max(0, rows[0].s ?? 0) };
  }

  /**
   * The original contract: one variable's rows with a greater id, by id. Ids
   * are read in windows (the BRIN index reads only their block ranges): a
   * window that holds too few of the variable's rows is followed by one twice
   * as wide, so a page costs about the rows between, never a sort of
   * everything after the cursor.
   */
  async findNewerThan(
    nombreVariable: string,
    afterId: number,
    limit: number,
  ): Promise<LecturaGuardada[]> {
    const [variableId] = await this.diccionario.findVariableIds([nombreVariable]);
    if (variableId === undefined) return [];
    const { rows: tope } = await this.pool.query<{ ultimo: string }>(
      `SELECT last_value AS ultimo FROM lectura_id_seq`,
    );
    const ultimo = Number(tope[0].ultimo);
    const found: LecturaGuardada[] = [];
    let ancho = limit * 4;
    for (let desde = afterId; found.length < limit && desde < ultimo; desde += ancho, ancho *= 2) {
      ancho = Math.min(ancho, VENTANA_MAX);
      const { rows } = await this.pool.query<Row>({
        name: 'lectura_newer_than',
        text: `SELECT p.id, d.numero_serie, v.nombre_variable, p.estampa_ms, p.valor_variable
         FROM (SELECT id, dispositivo_id, variable_id, valor_variable,
                 (extract(epoch FROM estampa_tiempo) * 1000)::float8 AS estampa_ms
               FROM lectura_codificada
               WHERE variable_id = $1 AND id > $2 AND id <= $3
               ORDER BY id LIMIT $4) p ${NOMBRES}
         ORDER BY p.id`,
        values: [variableId, desde, desde + ancho, limit - found.length],
      });
      for (const f of rows) {
        found.push({
          id: Number(f.id),
          numeroSerie: f.numero_serie,
          nombreVariable: f.nombre_variable,
          estampaTiempo: new Date(f.estampa_ms),
          valorVariable: f.valor_variable,
        });
      }
    }
    return found;
  }

  /**
   * Records how far a consumer has got: the cursor it resumes from is what it
   * has kept, so retention may drop what lies at or before it.
   */
  async saveConsumidor(consumidor: string, variableIds: number[], cursor: ExportCursor) {
    await this.pool.query({
      name: 'exportacion_consumidor_save',
      text: `INSERT INTO exportacion_consumidor (consumidor, variable_id, xid, id)
       SELECT $1, unnest($2::int[]), $3::xid8, $4::bigint
       ON CONFLICT (consumidor, variable_id)
       DO UPDATE SET xid = EXCLUDED.xid, id = EXCLUDED.id, actualizado_en = now()`,
      values: [consumidor, variableIds, cursor.xid, cursor.id],
    });
  }
}

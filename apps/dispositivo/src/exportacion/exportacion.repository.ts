import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';

import { DiccionarioRepository } from '../almacen/diccionario.repository';
import { ExportCursor } from './export-cursor';

/**
 * A LecturaRespuesta as JSON text, field for field what toRespuesta +
 * JSON.stringify write, in two parts around the names (added from the
 * dictionary's cache, see lineas): the instant as toISOString does, the float
 * in its shortest exact form (as JS prints it).
 */
const partes = (
  id: string,
  estampa: string,
  valor: string,
) => `'{"idDispositivo":' || ${id} AS cabeza,
  ',"estampaTiempo":"' || to_char(${estampa} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  || '","valorVariable":' || ${valor}::text || '}' AS cola`;
const PARTES = `${partes('id', 'estampa_tiempo', 'valor_variable')}, dispositivo_id, variable_id, id`;
const PARTES_COMPACTA = `${partes('u.id', 'lectura_instante(c.dia, u.ms)', 'u.valor')},
  c.dispositivo_id, c.variable_id, u.id`;

/**
 * Compacted readings come first in the export's order, with transaction id 0
 * (below every real one) and, for id, their row's and position's: row id ×
 * 2^20 + position (a row holds at most 100,000 readings).
 */
const POSICIONES = 2 ** 20;

interface Partes {
  cabeza: string;
  cola: string;
  dispositivo_id: number;
  variable_id: number;
  id: string;
}

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
    const compactas = after.xid === '0' ? await this.findCompactas(variableIds, after, limit) : [];
    const { rows } =
      compactas.length === limit
        ? { rows: [] }
        : await this.pool.query<Partes & { xid_texto: string }>({
            name: 'lectura_export_lines',
            text: `SELECT ${PARTES}, xid::text AS xid_texto FROM lectura_codificada
       WHERE xid < $1::xid8 AND (xid, id) > ($2::xid8, $3::bigint)
         AND variable_id = ANY($4::int[])
       ORDER BY xid, id LIMIT $5`,
            values: [horizon, after.xid, after.id, variableIds, limit - compactas.length],
          });
    const todas = [...compactas, ...rows];
    if (todas.length === 0) return { lineas: '', filas: 0, ultima: after };
    const last = rows.length > 0 ? rows[rows.length - 1] : undefined;
    return {
      lineas: `${(await this.lineas(todas)).join('\n')}\n`,
      filas: todas.length,
      ultima: last
        ? { xid: last.xid_texto, id: Number(last.id) }
        : { xid: '0', id: compactas[compactas.length - 1].posicion },
    };
  }

  /** Compacted readings after a cursor still among them (transaction id 0), in their order. */
  private async findCompactas(
    variableIds: number[],
    after: ExportCursor,
    limit: number,
  ): Promise<(Partes & { posicion: number })[]> {
    const fila = Math.floor(after.id / POSICIONES);
    const { rows } = await this.pool.query<Partes & { fila: string; ord: string }>({
      name: 'lectura_export_compactas',
      text: `SELECT ${PARTES_COMPACTA}, c.id AS fila, u.ord
       FROM lectura_compacta c
       CROSS JOIN LATERAL unnest(c.ids, c.estampas, c.valores) WITH ORDINALITY AS u(id, ms, valor, ord)
       WHERE c.id >= $1 AND (c.id, u.ord) > ($1, $2) AND c.variable_id = ANY($3::int[])
       ORDER BY c.id, u.ord LIMIT $4`,
      values: [fila, after.id % POSICIONES, variableIds, limit],
    });
    return rows.map((r) => ({ ...r, posicion: Number(r.fila) * POSICIONES + Number(r.ord) }));
  }

  /**
   * Each row's JSON line, its names from the dictionary's cache: joined in
   * SQL, a page's cost grew with the fleet (a hash of every device per page).
   */
  private async lineas(rows: Partes[]): Promise<string[]> {
    const nombres = await this.diccionario.findJson(
      rows.map((r) => r.dispositivo_id),
      rows.map((r) => r.variable_id),
    );
    return rows.map(
      (r) =>
        `${r.cabeza},"nombreVariable":${nombres.variable(r.variable_id)},"numeroSerie":${nombres.dispositivo(r.dispositivo_id)}${r.cola}`,
    );
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
   * The original contract: one variable's rows with a greater id, by id, as
   * JSON lines; `ultimo` is the last id. Ids are read in windows (the BRIN
   * index reads only their block ranges): a window that holds too few of the
   * variable's rows is followed by one twice as wide, so a page costs about
   * the rows between, never a sort of everything after the cursor.
   */
  async findNewerThan(
    nombreVariable: string,
    afterId: number,
    limit: number,
  ): Promise<{ lineas: string[]; ultimo: number }> {
    const [variableId] = await this.diccionario.findVariableIds([nombreVariable]);
    if (variableId === undefined) return { lineas: [], ultimo: afterId };
    const { rows: tope } = await this.pool.query<{ ultimo: string }>(
      `SELECT last_value AS ultimo FROM lectura_id_seq`,
    );
    const ultimo = Number(tope[0].ultimo);
    const found: Partes[] = [];
    let ancho = limit * 4;
    for (let desde = afterId; found.length < limit && desde < ultimo; desde += ancho, ancho *= 2) {
      ancho = Math.min(ancho, VENTANA_MAX);
      const { rows } = await this.pool.query<Partes>({
        name: 'lectura_newer_than',
        text: `SELECT ${PARTES} FROM lectura_codificada
         WHERE variable_id = $1 AND id > $2 AND id <= $3
         ORDER BY id LIMIT $4`,
        values: [variableId, desde, desde + ancho, limit - found.length],
      });
      found.push(...rows);
    }
    return {
      lineas: await this.lineas(found),
      ultimo: found.length > 0 ? Number(found[found.length - 1].id) : afterId,
    };
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

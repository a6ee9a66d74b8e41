import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';

import { LecturaGuardada } from '../lecturas/lectura';
import { ExportCursor } from './export-cursor';

interface Row {
  id: string;
  xid_texto: string;
  numero_serie: string;
  nombre_variable: string;
  estampa_ms: number;
  valor_variable: number;
}

export interface LecturaExportada extends LecturaGuardada {
  xid: string;
}

/** One page of the export: its NDJSON lines and the cursor after the last of them. */
export interface PaginaExportada {
  lineas: string;
  filas: number;
  ultima: ExportCursor;
}

/**
 * A LecturaRespuesta as JSON text, field for field what toRespuesta +
 * JSON.stringify write: strings through to_json (escaped), the instant as
 * toISOString does, the float in its shortest exact form (as JS prints it).
 */
const LINEA = `'{"idDispositivo":' || id
  || ',"nombreVariable":' || to_json(nombre_variable)::text
  || ',"numeroSerie":' || to_json(numero_serie)::text
  || ',"estampaTiempo":"' || to_char(estampa_tiempo AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  || '","valorVariable":' || valor_variable::text || '}'`;

/** Beyond this many pending readings the lag is reported as this many. */
const LAG_CAP = 100_000;

// never alias the text form as `xid`: ORDER BY xid would then sort text ('100' < '99')
const COLUMNS = `id, xid::text AS xid_texto, numero_serie, nombre_variable,
  (extract(epoch FROM estampa_tiempo) * 1000)::float8 AS estampa_ms, valor_variable`;

const aExportada = (f: Row): LecturaExportada => ({
  id: Number(f.id),
  xid: f.xid_texto,
  numeroSerie: f.numero_serie,
  nombreVariable: f.nombre_variable,
  estampaTiempo: new Date(f.estampa_ms),
  valorVariable: f.valor_variable,
});

@Injectable()
export class ExportacionRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

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

  /**
   * The next rows of these variables after `after`, below `horizon`, in (xid,
   * id) order, each already as its NDJSON line (a LecturaRespuesta): PostgreSQL
   * writes the JSON, so the export does not parse and re-serialise every row
   * (that cost three quarters of the export's time).
   */
  async findExportPage(
    variables: string[],
    after: ExportCursor,
    horizon: string,
    limit: number,
  ): Promise<PaginaExportada> {
    const { rows } = await this.pool.query<{ linea: string; xid_texto: string; id: string }>({
      name: 'lectura_export_lines',
      text: `SELECT ${LINEA} AS linea, xid::text AS xid_texto, id FROM lectura
       WHERE xid < $1::xid8 AND (xid, id) > ($2::xid8, $3::bigint)
         AND nombre_variable = ANY($4::varchar[])
       ORDER BY lectura.xid, lectura.id LIMIT $5`,
      values: [horizon, after.xid, after.id, variables, limit],
    });
    if (rows.length === 0) return { lineas: '', filas: 0, ultima: after };
    const last = rows[rows.length - 1];
    let lineas = '';
    for (const r of rows) lineas += `${r.linea}\n`;
    return { lineas, filas: rows.length, ultima: { xid: last.xid_texto, id: Number(last.id) } };
  }

  /**
   * How far a client at `after` is behind: readings stored after the cursor
   * (counted up to LAG_CAP, so a far-behind client costs one bounded scan) and
   * the age of the oldest of them.
   */
  async findLag(
    variables: string[],
    after: ExportCursor,
  ): Promise<{ pendientes: number; retrasoSegundos: number }> {
    const { rows } = await this.pool.query<{ n: number; s: number | null }>({
      name: 'lectura_export_lag',
      text: `SELECT count(*)::int AS n,
         extract(epoch FROM now() - min(recibida_en))::float8 AS s
       FROM (SELECT recibida_en FROM lectura
             WHERE (xid, id) > ($1::xid8, $2::bigint) AND nombre_variable = ANY($3::varchar[])
             ORDER BY xid, id LIMIT ${LAG_CAP}) pendientes`,
      values: [after.xid, after.id, variables],
    });
    return { pendientes: rows[0].n, retrasoSegundos: Math.max(0, rows[0].s ?? 0) };
  }

  /** The original contract: one variable's rows with a greater id, by id. */
  async findNewerThan(
    nombreVariable: string,
    afterId: number,
    limit: number,
  ): Promise<LecturaExportada[]> {
    const { rows } = await this.pool.query<Row>({
      name: 'lectura_newer_than',
      text: `SELECT ${COLUMNS} FROM lectura WHERE nombre_variable = $1 AND id > $2
       ORDER BY id LIMIT $3`,
      values: [nombreVariable, afterId, limit],
    });
    return rows.map(aExportada);
  }
}

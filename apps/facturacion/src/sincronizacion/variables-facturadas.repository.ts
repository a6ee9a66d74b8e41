import { DomainError } from '@iot/common';
import { inTransaction, Queryable } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  crearTablaVariableSql,
  tablaVariable,
  vistaFacturacionSql,
} from '../variables/tabla-variable';
import { LecturaFacturable, lecturasDe, Batch } from './batch';

const UNIQUE_VIOLATION = '23505';
/** Any constant: serialises the creation of variable tables and the view over them. */
const VIEW_LOCK_KEY = 7_318_004_214;

/** Another writer moved this variable's cursor: this batch is not ours to write. */
export class CursorMovidoError extends DomainError {
  constructor(nombre: string) {
    super('conflict', `the cursor of ${nombre} was moved by another sync run`);
  }
}

/** The write side of the per-variable tables: creation, cursor, batches. */
@Injectable()
export class VariablesFacturadasRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /**
   * Creates the variable's table, catalog row and view entry the first time it
   * is billed (one transaction); returns its cursor (null = from the start).
   */
  async ensureTable(nombre: string): Promise<string | null> {
    const actual = await this.findCursor(nombre);
    if (actual !== undefined) return actual;
    await inTransaction(this.pool, async (tx) => {
      // one creator at a time: variables are pulled in parallel, and each rebuilds the view
      // from the catalog, which must include the variable another creator just committed
      await tx.query('SELECT pg_advisory_xact_lock($1)', [VIEW_LOCK_KEY]);
      if ((await this.findCursor(nombre, tx)) !== undefined) return;
      await tx.query(`INSERT INTO variable_facturada (nombre) VALUES ($1)`, [nombre]);
      for (const sql of crearTablaVariableSql(nombre)) await tx.query(sql);
      const { rows } = await tx.query<{ nombre: string }>(
        `SELECT nombre FROM variable_facturada ORDER BY nombre`,
      );
      await tx.query(vistaFacturacionSql(rows.map((r) => r.nombre)));
    });
    return null;
  }

  /** undefined: not billed yet; null: billed, nothing exported yet. */
  async findCursor(nombre: string, q: Queryable = this.pool): Promise<string | null | undefined> {
    const { rows } = await q.query<{ cursor: string | null }>(
      `SELECT cursor FROM variable_facturada WHERE nombre = $1`,
      [nombre],
    );
    return rows.length === 0 ? undefined : rows[0].cursor;
  }

  /**
   * Writes a batch and moves the cursor from `anterior` to `batch.siguiente` in
   * one transaction: after a crash either both happened or neither. Throws
   * CursorMovidoError if the cursor is no longer `anterior`. Returns the rows
   * stored (fewer than sent only if some were already there).
   */
  async saveBatch(nombre: string, anterior: string | null, batch: Batch): Promise<number> {
    try {
      return await this.write(nombre, anterior, batch, (tx) => this.copy(tx, nombre, batch));
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      // some were stored before (a cursor set back by hand): keep those, add the rest
      return this.write(nombre, anterior, batch, (tx) =>
        this.insertNew(tx, nombre, lecturasDe(batch)),
      );
    }
  }

  private write(
    nombre: string,
    anterior: string | null,
    batch: Batch,
    store: (tx: PoolClient) => Promise<number>,
  ): Promise<number> {
    return inTransaction(this.pool, async (tx) => {
      // first: locks the catalog row, so a concurrent writer waits here, then sees the moved cursor
      const moved = await tx.query({
        name: 'variable_cursor_advance',
        text: `UPDATE variable_facturada SET cursor = $2, ultima_sincronizacion = now()
               WHERE nombre = $1 AND cursor IS NOT DISTINCT FROM $3`,
        values: [nombre, batch.siguiente, anterior],
      });
      if (moved.rowCount !== 1) throw new CursorMovidoError(nombre);
      if (batch.filas === 0) return 0;
      const stored = await store(tx);
      await tx.query({
        name: 'variable_counters',
        text: `UPDATE variable_facturada SET filas = filas + $2,
                 primera_lectura = LEAST(primera_lectura, $3::timestamptz),
                 ultima_lectura = GREATEST(ultima_lectura, $4::timestamptz)
               WHERE nombre = $1`,
        values: [nombre, stored, batch.primera, batch.ultima],
      });
      await marcarDias(tx, nombre, batch.dias);
      return stored;
    });
  }

  private async copy(tx: PoolClient, nombre: string, batch: Batch): Promise<number> {
    await pipeline(
      Readable.from([batch.copy]),
      tx.query(
        copyFrom(
          `COPY ${tablaVariable(nombre)} (id_dispositivo, numero_serie, estampa_tiempo, valor_variable) FROM STDIN`,
        ),
      ),
    );
    return batch.filas;
  }

  private async insertNew(
    tx: PoolClient,
    nombre: string,
    lecturas: LecturaFacturable[],
  ): Promise<number> {
    const result = await tx.query(
      `INSERT INTO ${tablaVariable(nombre)} (id_dispositivo, numero_serie, estampa_tiempo, valor_variable)
       SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::timestamptz[], $4::float8[])
       ON CONFLICT (id_dispositivo) DO NOTHING`,
      [
        lecturas.map((l) => l.idDispositivo),
        lecturas.map((l) => l.numeroSerie),
        lecturas.map((l) => l.estampaTiempo),
        lecturas.map((l) => l.valorVariable),
      ],
    );
    return result.rowCount ?? 0;
  }
}

/**
 * The (device, day) pairs a batch touched, marked for the energy job in the
 * batch's own transaction: copied rows never exist without their mark. Only
 * variables of the metering catalog. Marks are appended (never updated): two
 * variables' transactions touching the same day never wait for each other.
 */
async function marcarDias(tx: Queryable, nombre: string, dias: Set<string>): Promise<void> {
  if (dias.size === 0) return;
  const series: string[] = [];
  const fechas: string[] = [];
  for (const d of dias) {
    const [serie, fecha] = d.split('\t');
    series.push(serie);
    fechas.push(fecha);
  }
  await tx.query({
    name: 'energia_marcar_dias',
    text: `INSERT INTO energia_pendiente (numero_serie, dia)
           SELECT s, d FROM unnest($2::varchar[], $3::date[]) AS u(s, d)
           WHERE EXISTS (SELECT 1 FROM catalogo_variable WHERE nombre = $1)`,
    values: [nombre, series, fechas],
  });
}

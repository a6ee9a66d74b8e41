import { Inject, Injectable } from '@nestjs/common';
import { Pool, PoolClient, QueryConfig } from 'pg';
import { inTransaction } from '@iot/database';
import {
  compactaDe,
  isoDay,
  Particion,
  ParticionesRepository,
  Retencion,
  tablaDe,
} from './particiones.repository';

/** Readings a compacted row holds at most (its export positions are below 2^20). */
const POR_FILA = 100_000;

/** A day: no compaction of one week takes longer. */
const SIN_LIMITE_MS = 86_400_000;

export type Compactacion =
  { compactada: true; lecturas: number } | { compactada: false; retenida: Retencion[] };

class SemanaRetenida extends Error {
  constructor(readonly retenida: Retencion[]) {
    super('a consumer has not exported all of the week');
  }
}

/**
 * Compaction of a week's readings into `lectura_compacta` (see the
 * migration LecturaCompacta): rows of (device, variable, day) with arrays.
 */
@Injectable()
export class CompactacionRepository {
  constructor(
    @Inject(Pool) private readonly pool: Pool,
    private readonly particiones: ParticionesRepository,
  ) {}

  /** Whether a week's partition holds readings (never compacted, or late ones since). */
  async conLecturas(p: Particion): Promise<boolean> {
    const { rows } = await this.pool.query<{ hay: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${tablaDe(p)}) AS hay`,
    );
    return rows[0].hay;
  }

  /**
   * Moves a week's readings into compacted rows, unless a consumer has not
   * yet exported one of them. Most rows are compacted without blocking
   * anything; ingestion into that week (late readings only) waits just for
   * the rest and the swap, at most `lockTimeoutMs` for the lock (past it,
   * nothing changes and the next run tries again).
   */
  async compactar(p: Particion, esperados: string[], lockTimeoutMs: number): Promise<Compactacion> {
    const tabla = tablaDe(p);
    const semana = isoDay(p.desde);
    await this.asegurarParticion(p, lockTimeoutMs);
    return inTransaction(this.pool, async (tx): Promise<Compactacion> => {
      await tx.query(`SET LOCAL statement_timeout = 0`);
      await tx.query(`SET LOCAL lock_timeout = ${Math.trunc(lockTimeoutMs)}`);
      let retenida = await this.particiones.findPendientes(tx, tabla, esperados);
      if (retenida.length > 0) return { compactada: false, retenida };
      // every transaction below the horizon has ended: its rows are all here now
      const {
        rows: [{ h }],
      } = await tx.query<{ h: string }>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS h',
      );
      let lecturas = await this.insertCompactas(tx, tabla, 'xid < $1::xid8', h);
      // the rest, after any write still open into the week has ended, new ones held off
      await tx.query(`LOCK TABLE ${tabla} IN EXCLUSIVE MODE`);
      retenida = await this.particiones.findPendientes(tx, tabla, esperados);
      // rolls back what was compacted so far
      if (retenida.length > 0) throw new SemanaRetenida(retenida);
      lecturas += await this.insertCompactas(tx, tabla, 'xid >= $1::xid8', h);
      await tx.query(`CREATE OR REPLACE TRIGGER lectura_compactada BEFORE INSERT ON ${tabla}
        FOR EACH ROW EXECUTE FUNCTION lectura_compactada_unica()`);
      await tx.query(`TRUNCATE ${tabla}`);
      await tx.query(
        `INSERT INTO lectura_compactacion (semana, lecturas) VALUES ($1::date, $2)
         ON CONFLICT (semana) DO UPDATE
         SET lecturas = lectura_compactacion.lecturas + EXCLUDED.lecturas, en = now()`,
        [semana, lecturas],
      );
      return { compactada: true, lecturas };
    }).catch((error: unknown) => {
      if (error instanceof SemanaRetenida) return { compactada: false, retenida: error.retenida };
      throw error;
    });
  }

  /** Bytes the compacted readings take (rows, indexes, TOAST) and how many readings they hold. */
  async medir(): Promise<{ bytes: number; lecturas: number }> {
    const { rows } = await this.pool.query<{ bytes: string; lecturas: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) AS bytes,
              (SELECT coalesce(sum(cardinality(ids)), 0) FROM lectura_compacta) AS lecturas
       FROM pg_inherits i WHERE i.inhparent = 'lectura_compacta'::regclass`,
    );
    return { bytes: Number(rows[0].bytes), lecturas: Number(rows[0].lecturas) };
  }

  /** The rows of `tabla` matching `where`, as compacted rows; how many readings they held. */
  private async insertCompactas(
    tx: PoolClient,
    tabla: string,
    where: string,
    h: string,
  ): Promise<number> {
    const { rows } = await tx.query<{ n: string }>({
      text: `WITH compactas AS (
         INSERT INTO lectura_compacta (dispositivo_id, variable_id, dia, ids, estampas, valores)
         SELECT dispositivo_id, variable_id, dia,
                array_agg(id ORDER BY ms, id), array_agg(ms ORDER BY ms, id),
                array_agg(valor_variable ORDER BY ms, id)
         FROM (SELECT dispositivo_id, variable_id, id, valor_variable,
                      (estampa_tiempo AT TIME ZONE 'UTC')::date AS dia,
                      lectura_ms_del_dia(estampa_tiempo) AS ms,
                      (row_number() OVER (PARTITION BY dispositivo_id, variable_id,
                         (estampa_tiempo AT TIME ZONE 'UTC')::date ORDER BY estampa_tiempo, id) - 1)
                        / ${POR_FILA} AS trozo
               FROM ${tabla} WHERE ${where}) l
         GROUP BY dispositivo_id, variable_id, dia, trozo
         RETURNING cardinality(ids) AS n)
       SELECT coalesce(sum(n), 0) AS n FROM compactas`,
      values: [h],
      query_timeout: SIN_LIMITE_MS,
    } as QueryConfig);
    return Number(rows[0].n);
  }

  /**
   * The week's partition of the compacted readings: created apart and then
   * attached, which locks the parent only against other schema changes
   * (CREATE … PARTITION OF would hold readers off).
   */
  private async asegurarParticion(p: Particion, lockTimeoutMs: number): Promise<void> {
    const semana = isoDay(p.desde);
    const siguiente = isoDay(new Date(p.desde.getTime() + 7 * 86_400_000));
    const tabla = compactaDe(p);
    await inTransaction(this.pool, async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = ${Math.trunc(lockTimeoutMs)}`);
      const { rows } = await tx.query<{ existe: boolean }>(
        `SELECT to_regclass($1) IS NOT NULL AS existe`,
        [tabla],
      );
      if (rows[0].existe) return;
      // the CHECK spares ATTACH a scan (the table is empty, but it would lock meanwhile)
      await tx.query(`CREATE TABLE ${tabla} (LIKE lectura_compacta INCLUDING DEFAULTS,
        CHECK (dia >= DATE '${semana}' AND dia < DATE '${siguiente}'))`);
      await tx.query(`ALTER TABLE lectura_compacta ATTACH PARTITION ${tabla}
        FOR VALUES FROM ('${semana}') TO ('${siguiente}')`);
    });
  }
}

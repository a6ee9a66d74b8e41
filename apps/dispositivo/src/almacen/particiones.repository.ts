import { Inject, Injectable } from '@nestjs/common';
import { Pool, PoolClient, QueryConfig } from 'pg';
import { inTransaction, quoteIdentifier } from '@iot/database';

/** A week's partition: `lectura_codificada_YYYYMMDD`, the Monday it starts. */
export interface Particion {
  nombre: string;
  /** Monday 00:00 UTC. */
  desde: Date;
}

/**
 * Who holds a partition back: a consumer that has not yet exported some of
 * its rows of `nombreVariable`, or (no variable) an expected consumer that
 * has never asked, so what it follows is not known yet.
 */
export interface Retencion {
  consumidor: string;
  nombreVariable?: string;
}

/** A day: no move of one week's rows takes longer. */
const SIN_LIMITE_MS = 86_400_000;

const NOMBRE = /^lectura_codificada_(\d{4})(\d{2})(\d{2})$/;

const particionDe = (nombre: string): Particion | undefined => {
  const m = NOMBRE.exec(nombre);
  return m ? { nombre, desde: new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) } : undefined;
};

/** A week's day as `YYYY-MM-DD` (its Monday, or any instant's UTC date). */
export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The week's partition of the compacted readings (`lectura_compacta_YYYYMMDD`), quoted. */
export const compactaDe = (p: Particion): string =>
  quoteIdentifier(`lectura_compacta_${isoDay(p.desde).replaceAll('-', '')}`);

/** The partition's name, checked to be one, then quoted as every identifier from data is. */
export const tablaDe = (p: Particion): string => {
  if (!particionDe(p.nombre)) throw new Error(`not a partition of lectura: ${p.nombre}`);
  return quoteIdentifier(p.nombre);
};

/** Partition upkeep of dispositivo's reading store (rules in the migration's SQL functions). */
@Injectable()
export class ParticionesRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /** This week's and the next `semanas` weeks' partitions; how many were created. */
  async createAhead(semanas: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*) FILTER (WHERE creada)::int AS n FROM (
         SELECT lectura_asegurar_particion(lectura_semana(now() + k * interval '7 days')) AS creada
         FROM generate_series(0, $1::int) k) c`,
      [semanas],
    );
    return rows[0].n;
  }

  /** Up to `limite` weeks inside the window that have rows in the default partition, oldest first. */
  async findSemanasSinParticion(limite: number): Promise<string[]> {
    const rows = await this.sinLimite<{ semana: string }>(
      `SELECT semana::text FROM (
         SELECT DISTINCT lectura_semana(estampa_tiempo) AS semana FROM lectura_codificada_fuera) s
       WHERE lectura_en_ventana(semana) ORDER BY semana LIMIT $1`,
      [limite],
    );
    return rows.map((r) => r.semana);
  }

  /**
   * Creates a week's partition, moving its rows out of the default one. The
   * whole store is locked first: a read planned while the move ran would
   * list the partitions as they were (without the new one) yet see the rows
   * gone from the default one, so a week vanished from that read (the export
   * or a page of readings). Locked on the parent, a read waits before it
   * lists them. Ingestion waits as long as the move takes; the lock itself is
   * waited for at most `lockTimeoutMs` (a long reader such as pg_dump would
   * otherwise hold every write behind the waiting lock). The move runs as
   * long as it takes (a device's backlog of a week is many rows), past the
   * apps' statement timeout, which would otherwise fail the move every run.
   */
  async adopt(semana: string, lockTimeoutMs: number): Promise<void> {
    await this.sinLimite('SELECT lectura_asegurar_particion($1::date)', [semana], lockTimeoutMs);
  }

  /** Readings in the default partition (outside every week's partition). */
  async countFuera(): Promise<number> {
    const [{ n }] = await this.sinLimite<{ n: string }>(
      'SELECT count(*) AS n FROM lectura_codificada_fuera',
    );
    return Number(n);
  }

  /** The weeks' partitions, oldest first. */
  async findParticiones(): Promise<Particion[]> {
    const { rows } = await this.pool.query<{ nombre: string }>(
      `SELECT c.relname AS nombre FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'lectura_codificada'::regclass ORDER BY 1`,
    );
    return rows.flatMap((r) => particionDe(r.nombre) ?? []);
  }

  /**
   * Drops a partition unless a consumer has not yet exported one of its rows.
   * New rows are kept out of it from the check to the drop (SHARE lock); the
   * parent is locked only for the drop itself, waiting at most `lockTimeoutMs`
   * (ingestion queues behind a waiting drop): past it, nothing changes and the
   * drop is tried again on the next run.
   */
  async dropUnlessPending(
    p: Particion,
    esperados: string[],
    lockTimeoutMs: number,
  ): Promise<{ borrada: true } | { borrada: false; retenida: Retencion[] }> {
    const tabla = tablaDe(p);
    return inTransaction(this.pool, async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = ${Math.trunc(lockTimeoutMs)}`);
      await tx.query(`LOCK TABLE ${tabla} IN SHARE MODE`);
      const retenida = await this.findPendientes(tx, tabla, esperados);
      if (retenida.length > 0) return { borrada: false, retenida };
      await tx.query(`DROP TABLE ${tabla}`);
      // its compacted readings, if the week was compacted
      await tx.query(`DROP TABLE IF EXISTS ${compactaDe(p)}`);
      await tx.query('DELETE FROM lectura_compactacion WHERE semana = $1::date', [isoDay(p.desde)]);
      return { borrada: true };
    });
  }

  /**
   * Who holds the rows of a week's partition back: expected consumers never
   * seen, and consumers that have not yet exported one of its rows.
   */
  async findPendientes(tx: PoolClient, tabla: string, esperados: string[]): Promise<Retencion[]> {
    const { rows } = await tx.query<{ consumidor: string; nombre_variable: string | null }>(
      `SELECT e.consumidor, NULL AS nombre_variable FROM unnest($1::text[]) e(consumidor)
       WHERE NOT EXISTS (SELECT 1 FROM exportacion_consumidor c WHERE c.consumidor = e.consumidor)
       UNION ALL
       SELECT c.consumidor, v.nombre_variable
       FROM exportacion_consumidor c JOIN variable v ON v.id = c.variable_id
       WHERE EXISTS (SELECT 1 FROM ${tabla} l
                     WHERE l.variable_id = c.variable_id AND (l.xid, l.id) > (c.xid, c.id))
       ORDER BY 1, 2`,
      [esperados],
    );
    return rows.map((r) =>
      r.nombre_variable === null
        ? { consumidor: r.consumidor }
        : { consumidor: r.consumidor, nombreVariable: r.nombre_variable },
    );
  }

  /**
   * Statistics of the dictionaries: autovacuum leaves a table of a few rows
   * unanalyzed (under its 50-row threshold), and the planner then guesses 460
   * variables for a readback that merges them.
   */
  async analyzeDiccionarios(): Promise<void> {
    await this.sinLimite('ANALYZE dispositivo, variable');
  }

  /**
   * A statement of the upkeep, which runs in the background over tables that
   * may be large (the default partition, a week's backlog): without the apps'
   * statement timeout, server side and client side.
   */
  private sinLimite<T extends object>(
    text: string,
    values: unknown[] = [],
    lockStoreTimeoutMs?: number,
  ): Promise<T[]> {
    return inTransaction(this.pool, async (tx) => {
      await tx.query('SET LOCAL statement_timeout = 0');
      if (lockStoreTimeoutMs !== undefined) {
        // the parent before any partition: the order every read and write takes
        await tx.query(`SET LOCAL lock_timeout = ${Math.trunc(lockStoreTimeoutMs)}`);
        await tx.query('LOCK TABLE lectura_codificada IN ACCESS EXCLUSIVE MODE');
        await tx.query('SET LOCAL lock_timeout = 0');
      }
      // pg reads query_timeout per query too; its types list it only for the client
      const config = { text, values, query_timeout: SIN_LIMITE_MS } as QueryConfig;
      const { rows } = await tx.query<T>(config);
      return rows;
    });
  }

  /** One clock tick: this transaction's id and time, for the export's lag. */
  async tick(): Promise<void> {
    await this.pool.query({
      name: 'lectura_reloj_tick',
      text: 'INSERT INTO lectura_reloj (xid) VALUES (pg_current_xact_id())',
    });
  }

  /** Ticks older than `dias` days (a client lagging longer sees at least that age). */
  async pruneTicks(dias: number): Promise<void> {
    await this.pool.query(
      `DELETE FROM lectura_reloj WHERE en < now() - make_interval(days => $1)
         AND xid < (SELECT max(xid) FROM lectura_reloj)`,
      [dias],
    );
  }
}

import { commitRows, commitSeconds } from './lecturas.metrics';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { createLogger, gauge, RateLimitedLog, requestContext } from '@iot/common';
import { isTransientDatabaseError, Queryable } from '@iot/database';
import { PoolClient } from 'pg';
import type { Rechazada } from '../rechazadas/rechazada';
import { RechazadasRepository } from '../rechazadas/rechazadas.repository';
import { claveLectura, Lectura, LecturaGuardada } from './lectura';
import { StoreUnavailableError, StoreRefusedError } from './lecturas.errors';
import type { LecturaCodificada } from '../almacen/diccionario.repository';
import { DuplicateKeyError, LecturasRepository } from './lecturas.repository';

export type Resultado =
  | { estado: 'stored' | 'duplicate'; guardada: LecturaGuardada }
  | { estado: 'conflict'; guardada: LecturaGuardada; valorRecibido: number };

export interface WriterConfig {
  /** Rows one transaction takes at most (a single unit is never split). */
  maxRows: number;
  /** Bulk transactions in flight at once (small ones: always one); arrivals meanwhile share the next. */
  maxInFlight: number;
}
export const WRITER_CONFIG = Symbol('WRITER_CONFIG');

/**
 * Given a unit's results, the dead letter to commit in the same transaction
 * (an MQTT message whose items were refused or in conflict), if any. It may be
 * asked before the insert with every reading `stored` (the single-statement
 * path, taken only when every reading turns out new): it must depend on the
 * results only through their `estado` and, for conflicts, what is stored.
 */
export type RechazadaOf = (resultados: Resultado[]) => Rechazada | undefined;

/** From this many distinct readings on, a write tries COPY first (measured: docs/benchmarks.md). */
const COPY_FROM = 200;

interface Unit {
  lecturas: Lectura[];
  rechazada?: RechazadaOf;
  resolve(resultados: Resultado[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit. Every caller gets its promise settled only after the
 * transaction holding its readings (and its dead letter) has committed. Units
 * that arrive while `maxInFlight` transactions run (or in the same event-loop
 * turn) are merged into one transaction, so under load many requests share
 * one commit (one WAL flush); when idle a unit is written at once.
 *
 * Failures: a transient one (connection, timeout, serialization) rejects every
 * unit with StoreUnavailableError, to retry later. Any other fails the same
 * way every time; since one unit's readings may be the cause, a merged flush
 * is split and each unit written alone, so only the culprit gets
 * StoreRefusedError and the others commit.
 */
@Injectable()
export class LecturaWriter implements BeforeApplicationShutdown {
  private readonly logger = createLogger('lectura-writer');
  private readonly failureLog = new RateLimitedLog(10_000);
  private queue: Unit[] = [];
  private inFlight = 0;
  private scheduled = false;
  private drained?: () => void;
  /** Counters for health/metrics and for tests that prove batching happens. */
  readonly stats = {
    transactions: 0,
    rows: 0,
    copyFallbacks: 0,
    isolatedRetries: 0,
    partitionRetries: 0,
    compactionRetries: 0,
  };

  constructor(
    private readonly repository: LecturasRepository,
    private readonly rechazadas: RechazadasRepository,
    @Inject(WRITER_CONFIG) private readonly config: WriterConfig,
  ) {
    gauge({ name: 'iot_writer_queue_rows', help: 'Readings waiting for a transaction' }, (g) =>
      g.set(this.queue.reduce((n, u) => n + u.lecturas.length, 0)),
    );
  }

  write(lecturas: Lectura[], rechazada?: RechazadaOf): Promise<Resultado[]> {
    if (lecturas.length === 0 && !rechazada) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ lecturas, rechazada, resolve, reject });
      this.schedule();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => (this.drained = resolve));
  }

  private schedule(): void {
    if (this.queue.length === 0) {
      if (this.inFlight === 0) this.drained?.();
      return;
    }
    if (this.scheduled || !this.hasRoom()) return;
    this.scheduled = true;
    // setImmediate: everything parsed in this turn of the event loop joins the transaction;
    // outside the request that happened to schedule it (a commit serves many requests)
    requestContext.exit(() =>
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      }),
    );
  }

  /**
   * Small writes (single POSTs) run one transaction at a time, so everything
   * arriving meanwhile shares the next commit; bulk writes may overlap up to
   * `maxInFlight` so PostgreSQL works on both cores while Node parses the next.
   */
  private hasRoom(): boolean {
    if (this.inFlight === 0) return true;
    if (this.inFlight >= this.config.maxInFlight) return false;
    return this.queue.reduce((n, u) => n + u.lecturas.length, 0) >= COPY_FROM;
  }

  private async flush(): Promise<void> {
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    this.inFlight++;
    try {
      await this.settle(batch);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async settle(batch: Unit[], reintento = false): Promise<void> {
    try {
      const timer = commitSeconds.startTimer();
      const perUnit = await this.commit(batch);
      timer();
      batch.forEach((unit, i) => unit.resolve(perUnit[i]));
    } catch (error) {
      const carrera = reintento ? undefined : carreraDe(error);
      if (carrera) {
        // nothing was written; written again, the statement sees the week as it now is
        this.stats[carrera]++;
        return this.settle(batch, true);
      }
      const rows = batch.reduce((n, u) => n + u.lecturas.length, 0);
      const { log, suppressed } = this.failureLog.take();
      if (log) this.logger.warn({ err: error, rows, suppressed }, 'write failed, nothing stored');
      if (isTransientDatabaseError(error)) {
        const failure = new StoreUnavailableError(error);
        for (const unit of batch) unit.reject(failure);
      } else if (batch.length > 1) {
        // find the culprit: each unit alone, one after another
        this.stats.isolatedRetries++;
        for (const unit of batch) await this.settle([unit]);
      } else {
        batch[0].reject(new StoreRefusedError(error));
      }
    }
  }

  private takeBatch(): Unit[] {
    let rows = 0;
    let n = 0;
    while (
      n < this.queue.length &&
      (n === 0 || rows + this.queue[n].lecturas.length <= this.config.maxRows)
    ) {
      rows += this.queue[n].lecturas.length;
      n++;
    }
    return this.queue.splice(0, n);
  }

  /** Writes a batch in one transaction; returns each unit's results. */
  private async commit(batch: Unit[]): Promise<Resultado[][]> {
    // dictionary ids first, outside the transaction: new names commit on their own
    const lecturas = await this.repository.codificar(batch.flatMap((u) => u.lecturas));
    const withRechazadas = batch.some((u) => u.rechazada);
    let resultados: Resultado[] | undefined;
    if (lecturas.length >= COPY_FROM) {
      // COPY, PostgreSQL's fastest load path, is all-or-nothing: any key already
      // stored (or twice in this set) aborts it and the general path below runs
      resultados = await this.repository
        .inTransaction(async (tx) => {
          const ids = await this.repository.copyAll(tx, lecturas);
          const stored = lecturas.map((l, i): Resultado => ({
            estado: 'stored',
            guardada: guardada(l, ids[i]),
          }));
          await this.insertRechazadas(tx, batch, stored);
          return stored;
        })
        .catch((error: unknown) => {
          if (!(error instanceof DuplicateKeyError)) throw error;
          this.stats.copyFallbacks++;
          return undefined;
        });
    }
    if (!resultados && withRechazadas && lecturas.length < COPY_FROM) {
      // readings that are all new cannot conflict: one statement for them and the dead letters
      // (not after a failed COPY: a key is then known to exist)
      resultados = await this.insertAllNew(batch, lecturas).catch((error: unknown) => {
        if (!(error instanceof DuplicateKeyError)) throw error;
        return undefined;
      });
    }
    resultados ??= withRechazadas
      ? await this.repository.inTransaction(async (tx) => {
          const r = await this.insertClassified(tx, lecturas);
          await this.insertRechazadas(tx, batch, r);
          return r;
        })
      : // HTTP only: one autocommitted statement, the fastest path for small flushes
        await this.insertClassified(this.repository.autocommit, lecturas);
    this.stats.transactions++;
    this.stats.rows += lecturas.length;
    commitRows.observe(lecturas.length);
    return splitPerUnit(batch, resultados);
  }

  private async insertAllNew(batch: Unit[], lecturas: LecturaCodificada[]): Promise<Resultado[]> {
    const assumed = lecturas.map((l): Resultado => ({
      estado: 'stored',
      guardada: guardada(l, 0),
    }));
    const stored = await this.repository.insertAllNewWith(
      this.repository.autocommit,
      lecturas,
      rechazadasOf(batch, assumed),
    );
    const byKey = new Map(stored.map((g) => [claveLectura(g), g]));
    return lecturas.map((l): Resultado => {
      const guardada = byKey.get(claveLectura(l));
      if (!guardada) throw new Error('reading inserted but not returned');
      return { estado: 'stored', guardada };
    });
  }

  private async insertRechazadas(
    tx: PoolClient,
    batch: Unit[],
    resultados: Resultado[],
  ): Promise<void> {
    if (!batch.some((u) => u.rechazada)) return;
    await this.rechazadas.insertMany(tx, rechazadasOf(batch, resultados));
  }

  /**
   * Inserts the first occurrence of each key; every other reading is
   * classified against what is stored: same value = duplicate (same id),
   * another value = conflict (the first value is kept).
   */
  private async insertClassified(
    q: Queryable,
    lecturas: LecturaCodificada[],
  ): Promise<Resultado[]> {
    const claves = lecturas.map(claveLectura);
    const first = new Map<string, number>();
    const unique: LecturaCodificada[] = [];
    claves.forEach((clave, i) => {
      if (first.has(clave)) return;
      first.set(clave, i);
      unique.push(lecturas[i]);
    });
    const stored = new Map<string, LecturaGuardada>();
    if (unique.length > 0) {
      for (const g of await this.repository.insertNew(q, unique)) stored.set(claveLectura(g), g);
    }
    const inserted = new Set(stored.keys());
    const previous = unique.filter((l) => !inserted.has(claveLectura(l)));
    if (previous.length > 0) {
      for (const g of await this.repository.findByClaves(q, previous)) {
        stored.set(claveLectura(g), g);
      }
    }
    return lecturas.map((lectura, i): Resultado => {
      const guardada = stored.get(claves[i]);
      if (!guardada) throw new Error('reading neither inserted nor found by its key');
      if (inserted.has(claves[i]) && first.get(claves[i]) === i)
        return { estado: 'stored', guardada };
      if (guardada.valorVariable === lectura.valorVariable)
        return { estado: 'duplicate', guardada };
      return { estado: 'conflict', guardada, valorRecibido: lectura.valorVariable };
    });
  }
}

/**
 * A write that raced the store's upkeep, the counter it is counted in:
 * - a week got its own partition between routing a row to the default
 *   partition and locking it: PostgreSQL's check violation with no constraint
 *   name (a CHECK of the table, such as the value's range, names itself);
 * - a week was compacted after the statement looked for compacted keys: its
 *   partition's trigger refuses the key as a unique violation of
 *   `lectura_compacta_clave`.
 */
function carreraDe(error: unknown): 'partitionRetries' | 'compactionRetries' | undefined {
  const e = error as { code?: string; constraint?: string };
  if (e.code === '23514' && !e.constraint) return 'partitionRetries';
  if (e.code === '23505' && e.constraint === 'lectura_compacta_clave') return 'compactionRetries';
  return undefined;
}

const guardada = (l: LecturaCodificada, id: number): LecturaGuardada => ({
  id,
  numeroSerie: l.numeroSerie,
  nombreVariable: l.nombreVariable,
  estampaTiempo: l.estampaTiempo,
  valorVariable: l.valorVariable,
});

function splitPerUnit(batch: Unit[], resultados: Resultado[]): Resultado[][] {
  let from = 0;
  return batch.map((unit) => {
    const own = resultados.slice(from, from + unit.lecturas.length);
    from += unit.lecturas.length;
    return own;
  });
}

function rechazadasOf(batch: Unit[], resultados: Resultado[]): Rechazada[] {
  const perUnit = splitPerUnit(batch, resultados);
  return batch.flatMap((u, i) => u.rechazada?.(perUnit[i]) ?? []);
}

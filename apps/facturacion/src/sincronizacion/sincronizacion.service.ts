import { createLogger, DomainError, RateLimitedLog } from '@iot/common';
import type { FinExportacion } from '@iot/contracts';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { concatMap, defer, finalize, lastValueFrom, map } from 'rxjs';
import { DispositivoClient, DispositivoError } from '../dispositivo/dispositivo.client';
import { ExportacionInterrumpidaError, ndjsonBatches } from './ndjson-batches';
import { SincronizacionConfig } from './sincronizacion.config';
import { recordRun } from './sincronizacion.metrics';
import {
  Origen,
  ResultadoVariable,
  SincronizacionesRepository,
  SincronizacionLock,
} from './sincronizaciones.repository';
import { VariablesFacturadasRepository } from './variables-facturadas.repository';

export const SYNC_CONFIG = Symbol('SYNC_CONFIG');

/** What `GET /health` and the runs route say about the pull. */
export interface EstadoPull {
  programacion: string | null;
  enCurso: number | null;
  /** `degradado` after a run failed to reach dispositivo, until one succeeds. */
  dispositivo: 'ok' | 'degradado';
  ultimoError: string | null;
  fallosSeguidos: number;
  ultimaCompletada: string | null;
}

/** The run in progress elsewhere could not be named yet (it is taking its lock). */
export class SincronizacionOcupadaError extends DomainError {
  constructor() {
    super('conflict', 'a sync run is starting on another instance; try again in a moment');
  }
}

const PROGRESS_EVERY_MS = 10_000;
/** How many times (100 ms apart) a staff trigger looks for the lock or the run holding it. */
const BUSY_ATTEMPTS = 50;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

const retryable = (error: unknown): boolean =>
  error instanceof ExportacionInterrumpidaError ||
  (error instanceof DispositivoError && error.retryable);

/**
 * The pull: for each billing variable, dispositivo's export from the stored
 * cursor, batch by batch, each batch written with its cursor in one
 * transaction. One run at a time across every instance (advisory lock).
 */
@Injectable()
export class SincronizacionService implements BeforeApplicationShutdown {
  private readonly log = createLogger('sincronizacion');
  private readonly warnings = new RateLimitedLog(60_000);
  private readonly instancia = `${hostname()}:${process.pid}`;
  private running?: { id: number; done: Promise<void> };
  private stopping = false;
  private estado: Omit<EstadoPull, 'programacion' | 'enCurso'> = {
    dispositivo: 'ok',
    ultimoError: null,
    fallosSeguidos: 0,
    ultimaCompletada: null,
  };

  constructor(
    @Inject(SYNC_CONFIG) private readonly config: SincronizacionConfig,
    private readonly runs: SincronizacionesRepository,
    private readonly tablas: VariablesFacturadasRepository,
    private readonly dispositivo: DispositivoClient,
  ) {}

  status(): EstadoPull {
    return {
      programacion: this.config.cron ?? null,
      enCurso: this.running?.id ?? null,
      ...this.estado,
    };
  }

  /**
   * Starts a run unless one is in progress (here or elsewhere). Resolves with
   * the new run's id, or the running one's (`nueva: false`); for the cron
   * (`origen: 'cron'`) a busy lock just means "skip this tick".
   */
  async start(origen: Origen): Promise<{ id: number; nueva: boolean } | undefined> {
    // the lock and the run's row change hands apart: between a run's end and its lock's
    // release (or a start and its row) neither names a run, so look again, the lock too
    for (let attempt = 0; !this.stopping; attempt++) {
      if (this.running) return { id: this.running.id, nueva: false };
      const lock = await this.runs.tryLock();
      if (lock) return this.begin(origen, lock);
      if (origen === 'cron') return undefined;
      const id = await this.runs.findRunning();
      if (id !== undefined) return { id, nueva: false };
      if (attempt >= BUSY_ATTEMPTS) throw new SincronizacionOcupadaError();
      await sleep(100);
    }
    return undefined;
  }

  private async begin(
    origen: Origen,
    lock: SincronizacionLock,
  ): Promise<{ id: number; nueva: boolean }> {
    let id: number;
    try {
      await this.runs.markInterrupted();
      id = await this.runs.start(origen, this.instancia);
    } catch (error) {
      await lock.release();
      throw error;
    }
    const done = this.execute(id, lock).finally(() => (this.running = undefined));
    this.running = { id, done };
    return { id, nueva: true };
  }

  /** Before the database pool closes: the run in progress ends between two requests, recorded. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running?.done;
  }

  private async execute(id: number, lock: SincronizacionLock): Promise<void> {
    const started = Date.now();
    const resultado: Record<string, ResultadoVariable> = {};
    let error: string | null = null;
    try {
      // variables are independent (own table, own cursor): a few pulled at once keep both
      // PostgreSQL and the two Node processes busy instead of waiting on one another
      const queue = [...this.config.variables];
      const worker = async (): Promise<void> => {
        // after a failure the next variables would meet the same dispositivo: the next run tries them
        for (let variable = queue.shift(); variable && !error; variable = queue.shift()) {
          const filas = { n: 0 };
          try {
            resultado[variable] = await this.syncVariable(id, variable, filas);
          } catch (e) {
            error ??= `${variable}: ${(e as Error).message}`;
            resultado[variable] = { filas: filas.n, error: (e as Error).message };
          }
        }
      };
      await Promise.all(Array.from({ length: this.config.parallel }, worker));
      const estado = error ? (this.stopping ? 'interrumpida' : 'fallida') : 'completada';
      await this.runs.finish(id, estado, resultado, error);
      recordRun(estado, resultado);
      this.record(error);
      const total = Object.values(resultado).reduce((s, r) => s + r.filas, 0);
      const line = { run: id, estado, filas: total, ms: Date.now() - started };
      if (error) this.warn({ ...line, error }, 'sync run failed');
      else if (total > 0) this.log.info(line, 'sync run done');
      else this.log.debug(line, 'sync run done');
    } catch (e) {
      this.log.error({ run: id, err: e }, 'sync run could not be recorded');
    } finally {
      await lock.release();
    }
  }

  private record(error: string | null): void {
    if (error) {
      this.estado = {
        ...this.estado,
        dispositivo: 'degradado',
        ultimoError: error,
        fallosSeguidos: this.estado.fallosSeguidos + 1,
      };
    } else {
      this.estado = {
        dispositivo: 'ok',
        ultimoError: null,
        fallosSeguidos: 0,
        ultimaCompletada: new Date().toISOString(),
      };
    }
  }

  private warn(fields: object, message: string): void {
    const { log, suppressed } = this.warnings.take();
    if (log) this.log.warn({ ...fields, suppressed }, message);
  }

  /** One variable to its end, retrying with backoff; every attempt resumes from the stored cursor. */
  private async syncVariable(
    id: number,
    variable: string,
    filas: { n: number },
  ): Promise<ResultadoVariable> {
    await this.tablas.ensureTable(variable);
    let failures = 0;
    for (;;) {
      const before = filas.n;
      try {
        const fin = await this.pull(id, variable, filas);
        return { filas: filas.n, pendientes: fin.pendientes, retrasoSegundos: fin.retrasoSegundos };
      } catch (error) {
        if (filas.n > before) failures = 0; // progress: the budget is for attempts in a row
        if (!retryable(error) || failures >= this.config.retries || this.stopping) throw error;
        const delay = this.config.retryDelayMs * 2 ** failures;
        failures++;
        this.warn(
          { run: id, variable, attempt: failures, delayMs: delay, error: (error as Error).message },
          'dispositivo export failed; retrying',
        );
        await sleep(delay);
      }
    }
  }

  /** Export requests from the stored cursor until dispositivo says nothing more is exportable. */
  private async pull(id: number, variable: string, filas: { n: number }): Promise<FinExportacion> {
    let progressAt = Date.now();
    for (;;) {
      let cursor = (await this.tablas.findCursor(variable)) ?? null;
      const response = await this.dispositivo.openExport(variable, cursor, this.config.requestRows);
      const batches = ndjsonBatches(response, {
        variable,
        batchRows: this.config.batchRows,
        maxPending: 2,
        idleTimeoutMs: this.config.timeoutMs,
      }).pipe(
        // one batch at a time, in order; the stream stays paused while the database is behind
        concatMap((batch) =>
          defer(() => this.tablas.saveBatch(variable, cursor, batch)).pipe(
            map((stored) => {
              cursor = batch.siguiente;
              filas.n += stored;
              if (Date.now() - progressAt > PROGRESS_EVERY_MS) {
                progressAt = Date.now();
                this.log.info({ run: id, variable, filas: filas.n }, 'sync run in progress');
              }
              return batch.fin;
            }),
            finalize(() => batch.release()),
          ),
        ),
      );
      const fin = await lastValueFrom(batches, { defaultValue: undefined });
      if (!fin) throw new ExportacionInterrumpidaError('the export ended without its last line');
      if (fin.completo) return fin;
      if (this.stopping) throw new Error('stopped: the process is shutting down');
    }
  }
}

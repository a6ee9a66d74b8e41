import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { createLogger } from '@iot/common';
import { claveLectura, Lectura, LecturaGuardada } from './lectura';
import { AlmacenNoDisponibleError } from './lecturas.errors';
import { LecturasRepository } from './lecturas.repository';

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

/** From this many distinct readings on, a write tries COPY first (measured: bench/README). */
const COPY_DESDE = 200;

interface Unidad {
  lecturas: Lectura[];
  resolve(resultados: Resultado[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit. Every caller gets its promise settled only after the
 * transaction holding its readings has committed. Units that arrive while
 * `maxInFlight` transactions run (or in the same event-loop turn) are merged
 * into one INSERT, so under load many requests share one commit (one WAL
 * flush) instead of paying one each; when idle a unit is written at once.
 */
@Injectable()
export class LecturaWriter implements BeforeApplicationShutdown {
  private readonly logger = createLogger('lectura-writer');
  private cola: Unidad[] = [];
  private enVuelo = 0;
  private programado = false;
  private drenado?: () => void;
  /** Counters for health/metrics and for tests that prove batching happens. */
  readonly stats = { transacciones: 0, filas: 0, copiasFallidas: 0 };

  constructor(
    private readonly repository: LecturasRepository,
    @Inject(WRITER_CONFIG) private readonly config: WriterConfig,
  ) {}

  write(lecturas: Lectura[]): Promise<Resultado[]> {
    if (lecturas.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.cola.push({ lecturas, resolve, reject });
      this.programar();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.cola.length === 0 && this.enVuelo === 0) return;
    await new Promise<void>((resolve) => (this.drenado = resolve));
  }

  private programar(): void {
    if (this.cola.length === 0) {
      if (this.enVuelo === 0) this.drenado?.();
      return;
    }
    if (this.programado || !this.hayHueco()) return;
    this.programado = true;
    // setImmediate: everything parsed in this turn of the event loop joins the transaction
    setImmediate(() => {
      this.programado = false;
      void this.vaciar();
    });
  }

  /**
   * Small writes (single POSTs) run one transaction at a time, so everything
   * arriving meanwhile shares the next commit; bulk writes may overlap up to
   * `maxInFlight` so PostgreSQL works on both cores while Node parses the next.
   */
  private hayHueco(): boolean {
    if (this.enVuelo === 0) return true;
    if (this.enVuelo >= this.config.maxInFlight) return false;
    return this.cola.reduce((n, u) => n + u.lecturas.length, 0) >= COPY_DESDE;
  }

  private async vaciar(): Promise<void> {
    const lote = this.tomarLote();
    if (lote.length === 0) return;
    this.enVuelo++;
    const lecturas = lote.flatMap((u) => u.lecturas);
    try {
      const resultados = await this.escribir(lecturas);
      this.stats.transacciones++;
      this.stats.filas += lecturas.length;
      let desde = 0;
      for (const unidad of lote) {
        unidad.resolve(resultados.slice(desde, desde + unidad.lecturas.length));
        desde += unidad.lecturas.length;
      }
    } catch (error) {
      this.logger.warn({ err: error, filas: lecturas.length }, 'write failed, nothing stored');
      const fallo = new AlmacenNoDisponibleError(error);
      for (const unidad of lote) unidad.reject(fallo);
    } finally {
      this.enVuelo--;
      this.programar();
    }
  }

  private tomarLote(): Unidad[] {
    let filas = 0;
    let n = 0;
    while (
      n < this.cola.length &&
      (n === 0 || filas + this.cola[n].lecturas.length <= this.config.maxRows)
    ) {
      filas += this.cola[n].lecturas.length;
      n++;
    }
    return this.cola.splice(0, n);
  }

  /**
   * Inserts the first occurrence of each key; every other reading is
   * classified against what is stored: same value = duplicate (same id),
   * another value = conflict (the first value is kept).
   */
  private async escribir(lecturas: Lectura[]): Promise<Resultado[]> {
    if (lecturas.length >= COPY_DESDE) {
      // COPY, PostgreSQL's fastest load path, is all-or-nothing: any key already
      // stored (or twice in this set) rolls it back and the general path below runs
      const ids = await this.repository.copyAll(lecturas);
      if (ids)
        return lecturas.map((l, i) => ({ estado: 'stored', guardada: { ...l, id: ids[i] } }));
      this.stats.copiasFallidas++;
    }
    const claves = lecturas.map(claveLectura);
    const primera = new Map<string, number>();
    const unicas: Lectura[] = [];
    claves.forEach((clave, i) => {
      if (primera.has(clave)) return;
      primera.set(clave, i);
      unicas.push(lecturas[i]);
    });
    const guardadas = new Map<string, LecturaGuardada>();
    for (const g of await this.repository.insertNew(unicas)) guardadas.set(claveLectura(g), g);
    const nuevas = new Set(guardadas.keys());
    const previas = unicas.filter((l) => !nuevas.has(claveLectura(l)));
    if (previas.length > 0) {
      for (const g of await this.repository.findByClaves(previas))
        guardadas.set(claveLectura(g), g);
    }
    return lecturas.map((lectura, i): Resultado => {
      const guardada = guardadas.get(claves[i]);
      if (!guardada) throw new Error('reading neither inserted nor found by its key');
      if (nuevas.has(claves[i]) && primera.get(claves[i]) === i)
        return { estado: 'stored', guardada };
      if (guardada.valorVariable === lectura.valorVariable)
        return { estado: 'duplicate', guardada };
      return { estado: 'conflict', guardada, valorRecibido: lectura.valorVariable };
    });
  }
}

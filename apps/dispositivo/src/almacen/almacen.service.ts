import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createLogger, gauge, RateLimitedLog } from '@iot/common';
import { tryAdvisoryLock } from '@iot/database';
import { Pool } from 'pg';
import { CompactacionRepository } from './compactacion.repository';
import { Particion, ParticionesRepository, Retencion } from './particiones.repository';

export interface AlmacenConfig {
  /** Readings older than this many days may be dropped, a week at a time; 0 = kept forever. */
  retencionDias: number;
  /** Weeks whose readings are all older than this many days are compacted; 0 = never. */
  compactarDias: number;
  /** How often partitions are created ahead, adopted, compacted and dropped. */
  mantenimientoMs: number;
  /** The longest a drop may wait for its lock on the table (ingestion waits behind it). */
  lockTimeoutMs: number;
  /** Consumers of the export that hold retention back even before their first request. */
  consumidores: string[];
}
export const ALMACEN_CONFIG = Symbol('ALMACEN_CONFIG');

/** Weeks created ahead of this one (a device clock up to two weeks fast still gets a partition). */
const SEMANAS_ADELANTE = 2;
/** Weeks adopted out of the default partition per run: a flood of odd clocks cannot mint hundreds. */
const ADOPTAR_POR_VEZ = 4;
const TICK_MS = 5_000;
const TICKS_DIAS = 35;
const MANTENIMIENTO_LOCK_KEY = 7_318_004_301;
const SEMANA_MS = 7 * 86_400_000;
/** A drop waits at most lockTimeoutMs per try, this many tries a run, a second apart. */
const INTENTOS = 3;
const LOCK_NOT_AVAILABLE = '55P03';

export interface Mantenimiento {
  /** false: another instance was running it. */
  hecho: boolean;
  creadas: number;
  adoptadas: string[];
  borradas: string[];
  /** Weeks compacted in this run, with how many readings. */
  compactadas: { particion: string; lecturas: number }[];
  /** Past retention or compaction age, kept (or kept uncompacted) for a consumer. */
  retenidas: { particion: string; por: Retencion[] }[];
  /**
   * Past retention, or a week to move out of the default partition, but the
   * table stayed busy for every try: done on a later run.
   */
  aplazadas: string[];
  /** Readings in the default partition after the run. */
  fueraDeVentana: number;
}

/**
 * Upkeep of the reading store: weekly partitions created ahead, weeks that
 * landed in the default partition given their own, retention (whole
 * partitions, never rows, never one holding a reading a consumer has not yet
 * exported), and the clock ticks the export's lag is measured with.
 */
@Injectable()
export class AlmacenService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = createLogger('almacen');
  private readonly tickLog = new RateLimitedLog(60_000);
  private readonly timers: NodeJS.Timeout[] = [];
  private running?: Promise<Mantenimiento>;
  private ultimo?: Mantenimiento;

  constructor(
    private readonly particiones: ParticionesRepository,
    private readonly compactacion: CompactacionRepository,
    @Inject(Pool) private readonly pool: Pool,
    @Inject(ALMACEN_CONFIG) private readonly config: AlmacenConfig,
  ) {
    gauge(
      { name: 'iot_lecturas_fuera_de_ventana', help: 'Readings in the default partition' },
      (g) => g.set(this.ultimo?.fueraDeVentana ?? 0),
    );
    gauge(
      {
        name: 'iot_particiones_retenidas',
        help: 'Partitions past retention kept because a consumer has not exported them',
      },
      (g) => g.set(this.ultimo?.retenidas.length ?? 0),
    );
  }

  onApplicationBootstrap(): void {
    const tick = (): void => {
      this.particiones.tick().catch((err: unknown) => {
        const { log, suppressed } = this.tickLog.take();
        if (log) this.logger.warn({ err, suppressed }, 'clock tick failed');
      });
    };
    tick();
    this.timers.push(setInterval(tick, TICK_MS).unref());
    const mantener = (): void => {
      this.mantener().catch((err: unknown) => this.logger.warn({ err }, 'store upkeep failed'));
    };
    mantener();
    this.timers.push(setInterval(mantener, this.config.mantenimientoMs).unref());
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.running?.catch(() => undefined);
  }

  /** One upkeep run now (one at a time per process, one per database across instances). */
  mantener(): Promise<Mantenimiento> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<Mantenimiento> {
    const lock = await tryAdvisoryLock(this.pool, MANTENIMIENTO_LOCK_KEY);
    const resultado: Mantenimiento = {
      hecho: lock !== undefined,
      creadas: 0,
      adoptadas: [],
      borradas: [],
      compactadas: [],
      retenidas: [],
      aplazadas: [],
      fueraDeVentana: 0,
    };
    if (!lock) return resultado;
    try {
      resultado.creadas = await this.particiones.createAhead(SEMANAS_ADELANTE);
      for (const semana of await this.particiones.findSemanasSinParticion(ADOPTAR_POR_VEZ)) {
        const adoptada = await this.withRetries(async (_, t) => {
          await this.particiones.adopt(semana, t);
          return semana;
        });
        (adoptada === undefined ? resultado.aplazadas : resultado.adoptadas).push(semana);
      }
      if (this.config.retencionDias > 0) await this.retener(resultado);
      if (this.config.compactarDias > 0) await this.compactar(resultado);
      await this.particiones.pruneTicks(TICKS_DIAS);
      await this.particiones.analyzeDiccionarios();
      resultado.fueraDeVentana = await this.particiones.countFuera();
    } finally {
      await lock.release();
    }
    this.ultimo = resultado;
    if (
      resultado.creadas ||
      resultado.adoptadas.length ||
      resultado.borradas.length ||
      resultado.compactadas.length ||
      resultado.aplazadas.length
    ) {
      this.logger.info(resultado, 'store upkeep');
    }
    return resultado;
  }

  /** undefined: the lock was not had in INTENTOS short waits (ingestion waited at most that long each). */
  private async withRetries<T>(
    work: (consumidores: string[], lockTimeoutMs: number) => Promise<T>,
  ): Promise<T | undefined> {
    for (let intento = 1; ; intento++) {
      try {
        return await work(this.config.consumidores, this.config.lockTimeoutMs);
      } catch (error) {
        if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
        if (intento === INTENTOS) return undefined;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async retener(resultado: Mantenimiento): Promise<void> {
    const limite = Date.now() - this.config.retencionDias * 86_400_000;
    for (const p of await this.particiones.findParticiones()) {
      if (p.desde.getTime() + SEMANA_MS > limite) break; // oldest first: the rest are newer
      const r = await this.withRetries((c, t) => this.particiones.dropUnlessPending(p, c, t));
      if (r === undefined) {
        resultado.aplazadas.push(p.nombre);
      } else if (r.borrada) {
        resultado.borradas.push(p.nombre);
      } else {
        this.retenida(resultado, p, r.retenida, 'retention');
      }
    }
  }

  /**
   * Weeks older than the compaction age, never compacted or holding late
   * readings since, oldest first; a week a consumer has not exported stays
   * as it is (and so do the newer ones: they are at most as far exported).
   */
  private async compactar(resultado: Mantenimiento): Promise<void> {
    const limite = Date.now() - this.config.compactarDias * 86_400_000;
    const vistas = new Set([...resultado.borradas, ...resultado.retenidas.map((r) => r.particion)]);
    for (const p of await this.particiones.findParticiones()) {
      if (p.desde.getTime() + SEMANA_MS > limite) break;
      if (vistas.has(p.nombre) || resultado.aplazadas.includes(p.nombre)) continue;
      if (!(await this.compactacion.conLecturas(p))) continue;
      const r = await this.withRetries((c, t) => this.compactacion.compactar(p, c, t));
      if (r === undefined) {
        resultado.aplazadas.push(p.nombre);
      } else if (r.compactada) {
        resultado.compactadas.push({ particion: p.nombre, lecturas: r.lecturas });
      } else {
        this.retenida(resultado, p, r.retenida, 'compaction');
        break;
      }
    }
  }

  private retenida(resultado: Mantenimiento, p: Particion, por: Retencion[], regla: string): void {
    resultado.retenidas.push({ particion: p.nombre, por });
    this.logger.warn(
      { particion: p.nombre, por, regla },
      `partition past ${regla} kept as it is: a consumer has not exported all of it`,
    );
  }
}

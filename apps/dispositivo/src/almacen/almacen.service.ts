import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createLogger, gauge, RateLimitedLog } from '@iot/common';
import { tryAdvisoryLock } from '@iot/database';
import { Pool } from 'pg';
import { Particion, ParticionesRepository, Retencion } from './particiones.repository';

export interface AlmacenConfig {
  /** Readings older than this many days may be dropped, a week at a time; 0 = kept forever. */
  retencionDias: number;
  /** How often partitions are created ahead, adopted and dropped. */
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
  retenidas: { particion: string; por: Retencion[] }[];
  /** Past retention, but the table stayed busy for every try: dropped on a later run. */
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
      retenidas: [],
      aplazadas: [],
      fueraDeVentana: 0,
    };
    if (!lock) return resultado;
    try {
      resultado.creadas = await this.particiones.createAhead(SEMANAS_ADELANTE);
      for (const semana of await this.particiones.findSemanasSinParticion(ADOPTAR_POR_VEZ)) {
        await this.particiones.adopt(semana);
        resultado.adoptadas.push(semana);
      }
      if (this.config.retencionDias > 0) await this.retener(resultado);
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
      resultado.aplazadas.length
    ) {
      this.logger.info(resultado, 'store upkeep');
    }
    return resultado;
  }

  /** undefined: the lock was not had in INTENTOS short waits (ingestion waited at most that long each). */
  private async dropWithRetries(p: Particion) {
    for (let intento = 1; ; intento++) {
      try {
        return await this.particiones.dropUnlessPending(
          p,
          this.config.consumidores,
          this.config.lockTimeoutMs,
        );
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
      const r = await this.dropWithRetries(p);
      if (r === undefined) {
        resultado.aplazadas.push(p.nombre);
      } else if (r.borrada) {
        resultado.borradas.push(p.nombre);
      } else {
        resultado.retenidas.push({ particion: p.nombre, por: r.retenida });
        this.logger.warn(
          { particion: p.nombre, por: r.retenida },
          'partition past retention kept: a consumer has not exported all of it',
        );
      }
    }
  }
}

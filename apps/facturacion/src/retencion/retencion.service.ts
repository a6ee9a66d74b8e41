import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { createLogger } from '@iot/common';
import { tryAdvisoryLock } from '@iot/database';
import { Pool } from 'pg';
import { programar } from '../programacion';
import { RETENCION_CONFIG, RetencionConfig } from './retencion.config';
import { INICIO, RetencionRepository } from './retencion.repository';

const RETENCION_LOCK_KEY = 7_318_004_215;
/** Samples looked at per statement (each its own short transaction). */
const LOTE = 10_000;
const DIA_MS = 86_400_000;

export interface RetencionMuestras {
  /** false: another run (here or in another instance) was under way. */
  hecho: boolean;
  /** Samples before this instant (a UTC midnight) were candidates. */
  corte?: string;
  /** Samples deleted per variable. */
  borradas: Record<string, number>;
  /** Energy marks of days whose samples are gone, dropped (never recomputed). */
  marcasDescartadas: number;
}

/**
 * Retention of the billing variables' samples (off by default): deletes
 * samples older than RETENCION_MUESTRAS_DIAS, except where a device's
 * account has a period not covered by a final statement (drafts, periods not
 * billed yet). Intervals, statements and their lines are kept.
 */
@Injectable()
export class RetencionService implements OnApplicationBootstrap {
  private readonly log = createLogger('retencion');

  constructor(
    @Inject(RETENCION_CONFIG) private readonly config: RetencionConfig,
    private readonly repository: RetencionRepository,
    private readonly scheduler: SchedulerRegistry,
    @Inject(Pool) private readonly pool: Pool,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.dias === 0 || !this.config.cron) return;
    programar(
      this.scheduler,
      'retencion',
      this.config.cron,
      () => this.ejecutar(),
      this.log,
      'sample retention failed; the next run goes on from the start',
    );
  }

  async ejecutar(ahora = new Date()): Promise<RetencionMuestras> {
    const resultado: RetencionMuestras = { hecho: false, borradas: {}, marcasDescartadas: 0 };
    if (this.config.dias === 0) return resultado;
    const lock = await tryAdvisoryLock(this.pool, RETENCION_LOCK_KEY);
    if (!lock) return resultado;
    try {
      const dia = Math.floor((ahora.getTime() - this.config.dias * DIA_MS) / DIA_MS) * DIA_MS;
      const corte = new Date(dia);
      const horizontes = await this.repository.findHorizontes(corte);
      for (const variable of await this.repository.findVariables()) {
        resultado.borradas[variable] = await this.retener(variable, corte, horizontes);
      }
      resultado.marcasDescartadas = await this.repository.deleteMarcasRetenidas();
      Object.assign(resultado, { hecho: true, corte: corte.toISOString() });
    } finally {
      await lock.release();
    }
    if (Object.values(resultado.borradas).some((n) => n > 0)) {
      this.log.info(resultado, 'samples past retention deleted');
    }
    return resultado;
  }

  private async retener(
    variable: string,
    corte: Date,
    horizontes: Awaited<ReturnType<RetencionRepository['findHorizontes']>>,
  ): Promise<number> {
    let desde = INICIO;
    let borradas = 0;
    let vistas = 0;
    for (let lote = 1; ; lote++) {
      const r = await this.repository.deleteLote(variable, corte, horizontes, desde, LOTE);
      borradas += r.borradas;
      vistas += r.vistas;
      if (!r.hasta) return borradas;
      desde = r.hasta;
      if (lote % 100 === 0) this.log.info({ variable, vistas, borradas }, 'sample retention');
    }
  }
}

import { createLogger } from '@iot/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { programar } from '../programacion';
import { ENERGIA_CONFIG, EnergiaConfig } from './energia.config';
import { EnergiaService } from './energia.service';

/** Registers the energy job (ENERGIA_CRON); a tick while it runs, here or elsewhere, is skipped. */
@Injectable()
export class EnergiaScheduler implements OnApplicationBootstrap {
  private readonly log = createLogger('energia');

  constructor(
    @Inject(ENERGIA_CONFIG) private readonly config: EnergiaConfig,
    private readonly energia: EnergiaService,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.cron) return;
    programar(
      this.scheduler,
      'energia',
      this.config.cron,
      () => this.energia.calcularPendientes(),
      this.log,
      'energy recomputation failed; the marks stay for the next tick',
    );
  }
}

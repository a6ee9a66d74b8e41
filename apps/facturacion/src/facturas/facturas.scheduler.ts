import { createLogger } from '@iot/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { programar } from '../programacion';
import { FACTURAS_CONFIG, FacturasConfig } from './facturas.config';
import { FacturasService } from './facturas.service';

/** Registers the statements job (FACTURAS_CRON); a tick while it runs, here or elsewhere, is skipped. */
@Injectable()
export class FacturasScheduler implements OnApplicationBootstrap {
  private readonly log = createLogger('facturas');

  constructor(
    @Inject(FACTURAS_CONFIG) private readonly config: FacturasConfig,
    private readonly facturas: FacturasService,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.cron) return;
    programar(
      this.scheduler,
      'facturas',
      this.config.cron,
      () => this.facturas.programado(),
      this.log,
      'statements job failed; the next tick tries again',
    );
  }
}

import { createLogger } from '@iot/common';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { programar } from '../programacion';
import { SincronizacionConfig } from './sincronizacion.config';
import { SincronizacionService, SYNC_CONFIG } from './sincronizacion.service';

/** Registers the sync's cron job (SYNC_CRON); a tick while a run is in progress is skipped. */
@Injectable()
export class SincronizacionScheduler implements OnApplicationBootstrap {
  private readonly log = createLogger('sincronizacion');

  constructor(
    @Inject(SYNC_CONFIG) private readonly config: SincronizacionConfig,
    private readonly sync: SincronizacionService,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const cron = this.config.cron;
    if (!cron) {
      this.log.info('sync schedule off (SYNC_CRON=off); runs start only on request');
      return;
    }
    programar(
      this.scheduler,
      'sincronizacion',
      cron,
      () => this.sync.start('cron'),
      this.log,
      'scheduled sync run could not start',
    );
    this.log.debug({ cron }, 'sync scheduled');
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { RETENCION_CONFIG, RetencionConfig } from './retencion.config';
import { RetencionRepository } from './retencion.repository';
import { RetencionService } from './retencion.service';

/** Retention of the billing variables' samples (RETENCION_MUESTRAS_DIAS). */
@Module({})
export class RetencionModule {
  static forRoot(config: RetencionConfig): DynamicModule {
    return {
      module: RetencionModule,
      providers: [
        { provide: RETENCION_CONFIG, useValue: config },
        RetencionRepository,
        RetencionService,
      ],
    };
  }
}

import { createRegistry, RegistryConfig } from '@iot/common';
import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { DispositivoClient } from '../dispositivo/dispositivo.client';
import { SincronizacionConfig } from './sincronizacion.config';
import { SincronizacionController } from './sincronizacion.controller';
import { SincronizacionScheduler } from './sincronizacion.scheduler';
import { SincronizacionService, SYNC_CONFIG } from './sincronizacion.service';
import { SincronizacionesRepository } from './sincronizaciones.repository';
import { VariablesFacturadasRepository } from './variables-facturadas.repository';

/** The pull from dispositivo into the per-variable tables: schedule, runs, cursors. */
@Module({})
export class SincronizacionModule {
  static forRoot(config: SincronizacionConfig, registry: RegistryConfig): DynamicModule {
    return {
      module: SincronizacionModule,
      imports: [ScheduleModule.forRoot()],
      controllers: [SincronizacionController],
      providers: [
        { provide: SYNC_CONFIG, useValue: config },
        {
          provide: DispositivoClient,
          useFactory: () =>
            new DispositivoClient(createRegistry(registry), {
              apiKey: config.dispositivoApiKey,
              timeoutMs: config.timeoutMs,
            }),
        },
        SincronizacionService,
        SincronizacionScheduler,
        SincronizacionesRepository,
        VariablesFacturadasRepository,
      ],
      exports: [SincronizacionService],
    };
  }
}

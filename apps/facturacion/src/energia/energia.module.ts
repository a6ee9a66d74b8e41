import { DynamicModule, Module } from '@nestjs/common';
import { CalidadController } from '../calidad/calidad.controller';
import { CalidadService } from '../calidad/calidad.service';
import { CambiosService } from './cambios.service';
import { ENERGIA_CONFIG, EnergiaConfig } from './energia.config';
import { EnergiaController } from './energia.controller';
import { ConsumoRepository } from './consumo.repository';
import { EnergiaRepository } from './energia.repository';
import { EnergiaScheduler } from './energia.scheduler';
import { EnergiaService } from './energia.service';
import { UsoService } from './uso.service';

/**
 * Metering: the catalog, energy per device and interval (recomputed from the
 * marks the sync leaves), usage, changes and data quality. Fed by the sync
 * only through `energia_pendiente`.
 */
@Module({})
export class EnergiaModule {
  static forRoot(config: EnergiaConfig): DynamicModule {
    return {
      module: EnergiaModule,
      controllers: [EnergiaController, CalidadController],
      providers: [
        { provide: ENERGIA_CONFIG, useValue: config },
        EnergiaRepository,
        ConsumoRepository,
        EnergiaService,
        EnergiaScheduler,
        UsoService,
        CambiosService,
        CalidadService,
      ],
      exports: [EnergiaService, EnergiaRepository, ConsumoRepository],
    };
  }
}

import { DynamicModule, Global, Module } from '@nestjs/common';
import { AlmacenController } from './almacen.controller';
import { ALMACEN_CONFIG, AlmacenConfig, AlmacenService } from './almacen.service';
import { CompactacionRepository } from './compactacion.repository';
import { DiccionarioRepository } from './diccionario.repository';
import { ParticionesRepository } from './particiones.repository';

/** The reading store's own mechanics: name dictionaries, partitions, retention, compaction. */
@Global()
@Module({})
export class AlmacenModule {
  static forRoot(config: AlmacenConfig): DynamicModule {
    return {
      module: AlmacenModule,
      controllers: [AlmacenController],
      providers: [
        DiccionarioRepository,
        ParticionesRepository,
        CompactacionRepository,
        AlmacenService,
        { provide: ALMACEN_CONFIG, useValue: config },
      ],
      exports: [DiccionarioRepository],
    };
  }
}

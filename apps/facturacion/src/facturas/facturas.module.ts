import { DynamicModule, Module, Type } from '@nestjs/common';
import { FACTURAS_CONFIG, FacturasConfig } from './facturas.config';
import { FacturasController } from './facturas.controller';
import { FacturasRepository } from './facturas.repository';
import { NumeracionRepository } from './numeracion.repository';
import { RefacturacionRepository } from './refacturacion.repository';
import { FacturasScheduler } from './facturas.scheduler';
import { FacturasService } from './facturas.service';
import { RefacturacionService } from './refacturacion.service';

/** Statements, built from accounts, tariffs and the metering context's energy. */
@Module({})
export class FacturasModule {
  static forRoot(config: FacturasConfig, imports: Array<DynamicModule | Type>): DynamicModule {
    return {
      module: FacturasModule,
      imports,
      controllers: [FacturasController],
      providers: [
        { provide: FACTURAS_CONFIG, useValue: config },
        FacturasRepository,
        NumeracionRepository,
        RefacturacionRepository,
        FacturasService,
        RefacturacionService,
        FacturasScheduler,
      ],
    };
  }
}

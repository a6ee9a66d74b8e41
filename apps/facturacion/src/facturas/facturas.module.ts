import { DynamicModule, Module } from '@nestjs/common';
import { FacturasController } from './facturas.controller';
import { FacturasRepository } from './facturas.repository';
import { FacturasService } from './facturas.service';

/** Statements, built from accounts, tariffs and the metering context's energy. */
@Module({})
export class FacturasModule {
  static forRoot(imports: DynamicModule[]): DynamicModule {
    return {
      module: FacturasModule,
      imports,
      controllers: [FacturasController],
      providers: [FacturasRepository, FacturasService],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { AuditoriaRepository } from '../auditoria/auditoria.repository';
import { CalendariosModule } from '../calendarios/calendarios.module';
import { CuentasController } from './cuentas.controller';
import { CuentasRepository } from './cuentas.repository';
import { CUENTAS_CONFIG, CuentasConfig, CuentasService } from './cuentas.service';

/** Billing accounts: their devices over time, and the audit trail of changes. */
@Module({})
export class CuentasModule {
  static forRoot(config: CuentasConfig): DynamicModule {
    return {
      module: CuentasModule,
      imports: [CalendariosModule],
      controllers: [CuentasController],
      providers: [
        { provide: CUENTAS_CONFIG, useValue: config },
        CuentasRepository,
        AuditoriaRepository,
        CuentasService,
      ],
      exports: [CuentasService],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule, typeOrmOptions } from '@iot/database';
import { HealthModule, RegistrationModule } from '@iot/http';
import { FacturacionConfig } from './config';
import { migrations } from './database/migrations';
import { SincronizacionModule } from './sincronizacion/sincronizacion.module';
import { SincronizacionService } from './sincronizacion/sincronizacion.service';
import { CalendariosModule } from './calendarios/calendarios.module';
import { CuentasModule } from './cuentas/cuentas.module';
import { EnergiaModule } from './energia/energia.module';
import { FacturasModule } from './facturas/facturas.module';
import { TarifasModule } from './tarifas/tarifas.module';
import { VariablesModule } from './variables/variables.module';
import { RetencionModule } from './retencion/retencion.module';

@Module({})
export class AppModule {
  static forRoot(config: FacturacionConfig): DynamicModule {
    const sync = SincronizacionModule.forRoot(config.sync, config.registry);
    const energia = EnergiaModule.forRoot(config.energia);
    const cuentas = CuentasModule.forRoot({ zonaPorDefecto: config.consultas.defaultZone });
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(typeOrmOptions(config.database, config.log.service, migrations)),
        sync,
        VariablesModule.forRoot(config.consultas),
        energia,
        CalendariosModule,
        cuentas,
        TarifasModule,
        FacturasModule.forRoot(config.facturas, [energia, cuentas, TarifasModule]),
        RetencionModule.forRoot(config.retencion),
        RegistrationModule.forRoot({ name: 'facturacion', registry: config.registry }),
        // dispositivo being down degrades the pull, not facturacion's readiness: staff queries still work
        HealthModule.forRoot({
          database: true,
          imports: [sync],
          details: {
            inject: [SincronizacionService],
            useFactory: (s: SincronizacionService) => () => ({ sincronizacion: s.status() }),
          },
        }),
      ],
    };
  }
}

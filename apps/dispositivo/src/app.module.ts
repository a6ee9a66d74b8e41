import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule, typeOrmOptions } from '@iot/database';
import type { DataSourceOptions } from 'typeorm';
import { HealthModule, RegistrationModule } from '@iot/http';
import { AlmacenModule } from './almacen/almacen.module';
import { DispositivoConfig } from './config';
import { migrations } from './database/migrations';
import { ExportacionModule } from './exportacion/exportacion.module';
import { GraficaModule } from './grafica/grafica.module';
import { ActividadModule } from './actividad/actividad.module';
import { LecturasModule } from './lecturas/lecturas.module';
import { MqttIngestor } from './mqtt/mqtt-ingestor';
import { MqttModule } from './mqtt/mqtt.module';
import { RechazadasModule } from './rechazadas/rechazadas.module';

/**
 * dispositivo's queries are all OLTP-sized; PostgreSQL's JIT, triggered by a
 * cost estimate (an unanalyzed small table estimates 460 rows), compiled for
 * ~150 ms to run a 5 ms readback page (measured at 10 M readings).
 */
function withoutJit(options: DataSourceOptions): DataSourceOptions {
  const extra = (options as { extra?: Record<string, unknown> }).extra ?? {};
  return { ...options, extra: { ...extra, options: '-c jit=off' } };
}

@Module({})
export class AppModule {
  static forRoot(config: DispositivoConfig): DynamicModule {
    const lecturas = LecturasModule.forRoot(config.writer);
    const mqtt = config.mqtt ? MqttModule.forRoot(config.mqtt, lecturas) : undefined;
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(
          withoutJit(typeOrmOptions(config.database, config.log.service, migrations)),
        ),
        AlmacenModule.forRoot(config.almacen),
        lecturas,
        RechazadasModule,
        ExportacionModule,
        GraficaModule,
        ActividadModule,
        ...(mqtt ? [mqtt] : []),
        RegistrationModule.forRoot({ name: 'dispositivo', registry: config.registry }),
        // the broker is a detail, not readiness: a broker outage must not take HTTP ingestion out of rotation
        HealthModule.forRoot({
          database: true,
          imports: mqtt && [mqtt],
          details: mqtt && {
            inject: [MqttIngestor],
            useFactory: (ingestor: MqttIngestor) => () => ({ mqtt: ingestor.status() }),
          },
        }),
      ],
    };
  }
}

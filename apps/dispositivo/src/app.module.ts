import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule, typeOrmOptions } from '@iot/database';
import { HealthModule, RegistrationModule } from '@iot/http';
import { AlmacenModule } from './almacen/almacen.module';
import { DispositivoConfig } from './config';
import { migrations } from './database/migrations';
import { ExportacionModule } from './exportacion/exportacion.module';
import { LecturasModule } from './lecturas/lecturas.module';
import { MqttIngestor } from './mqtt/mqtt-ingestor';
import { MqttModule } from './mqtt/mqtt.module';
import { RechazadasModule } from './rechazadas/rechazadas.module';

@Module({})
export class AppModule {
  static forRoot(config: DispositivoConfig): DynamicModule {
    const lecturas = LecturasModule.forRoot(config.writer);
    const mqtt = config.mqtt ? MqttModule.forRoot(config.mqtt, lecturas) : undefined;
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(typeOrmOptions(config.database, config.log.service, migrations)),
        AlmacenModule.forRoot(config.almacen),
        lecturas,
        RechazadasModule,
        ExportacionModule,
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

import { DynamicModule, Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, typeOrmOptions } from '@iot/common';
import { DispositivoConfig } from './config';
import { migrations } from './database/migrations';
import { LecturasModule } from './lecturas/lecturas.module';
import { MqttIngestor } from './mqtt/mqtt-ingestor';
import { MqttModule } from './mqtt/mqtt.module';
import { RechazadasModule } from './rechazadas/rechazadas.module';

@Module({})
export class AppModule {
  static forRoot(config: DispositivoConfig, databaseUrl: string): DynamicModule {
    const lecturas = LecturasModule.forRoot(config.writer);
    const mqtt = config.mqtt ? MqttModule.forRoot(config.mqtt, lecturas) : undefined;
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(typeOrmOptions(databaseUrl, config.database.poolSize, migrations)),
        lecturas,
        RechazadasModule,
        ...(mqtt ? [mqtt] : []),
        HealthModule.forRoot({
          database: true,
          extra: mqtt && {
            imports: [mqtt],
            inject: [MqttIngestor, HealthIndicatorService],
            useFactory: (ingestor: MqttIngestor, indicator: HealthIndicatorService) => [
              () => {
                const check = indicator.check('mqtt');
                const details = {
                  connected: ingestor.conectadas(),
                  connections: ingestor.total(),
                  sinAcuse: ingestor.sinAcuse(),
                  ...ingestor.stats,
                };
                return ingestor.conectadas() === ingestor.total()
                  ? check.up(details)
                  : check.down(details);
              },
            ],
          },
        }),
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { RechazadasModule } from '../rechazadas/rechazadas.module';
import { MqttIngestor } from './mqtt-ingestor';
import { MQTT_CONFIG, MqttConfig } from './mqtt.config';

@Module({})
export class MqttModule {
  static forRoot(config: MqttConfig, lecturas: DynamicModule): DynamicModule {
    return {
      module: MqttModule,
      imports: [lecturas, RechazadasModule],
      providers: [MqttIngestor, { provide: MQTT_CONFIG, useValue: config }],
      exports: [MqttIngestor],
    };
  }
}

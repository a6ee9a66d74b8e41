import { DynamicModule, Module } from '@nestjs/common';
import { MqttIngestor } from './mqtt-ingestor';
import { MQTT_CONFIG, MqttConfig } from './mqtt.config';
import { MqttSessionsRepository } from './sessions.repository';

@Module({})
export class MqttModule {
  static forRoot(config: MqttConfig, lecturas: DynamicModule): DynamicModule {
    return {
      module: MqttModule,
      imports: [lecturas],
      providers: [MqttIngestor, MqttSessionsRepository, { provide: MQTT_CONFIG, useValue: config }],
      exports: [MqttIngestor],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule, HealthModule } from '@iot/common';
import { GatewayConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [AuthModule.forRoot(config.apiKeys), HealthModule.forRoot({ database: false })],
    };
  }
}

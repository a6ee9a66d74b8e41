import { HealthModule, RegistrationModule } from '@iot/http';
import { DynamicModule, Module } from '@nestjs/common';
import { GatewayConfig } from './config';
import { SERVICES } from './routing/routing';
import { Upstreams } from './routing/upstreams';

@Module({})
export class AppModule {
  /** Ready while every service has at least one usable instance; `/health` shows the counts. */
  static forRoot(config: GatewayConfig, upstreams: () => Upstreams | undefined): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RegistrationModule.forRoot({ name: 'gateway', registry: config.registry }),
        HealthModule.forRoot({
          database: false,
          readiness: () =>
            SERVICES.map((service) => async () => {
              const instances = (await upstreams()?.counts([service]))?.[service] ?? 0;
              return { [service]: { status: instances > 0 ? 'up' : 'down', instances } };
            }),
        }),
      ],
    };
  }
}

import { DatabaseModule, typeOrmOptions } from '@iot/database';
import { HealthModule, RegistrationModule } from '@iot/http';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, GatewayConfig } from './config';
import { migrations } from './database/migrations';
import { KeyCache } from '@iot/keys';
import { KeysModule } from './keys/keys.module';
import { ConsolaModule } from './consola/consola.module';
import { SERVICES } from './routing/proxy';
import { RoutingModule } from './routing/routing.module';
import { Upstreams } from './routing/upstreams';

@Global()
@Module({})
class GatewayConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayConfigModule,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}

@Module({})
export class AppModule {
  /**
   * Ready once the keys are loaded and while every service has at least one
   * usable instance; `/health` shows the counts.
   */
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        GatewayConfigModule.forRoot(config),
        DatabaseModule.forRoot(typeOrmOptions(config.database, config.log.service, migrations)),
        KeysModule,
        RoutingModule,
        ConsolaModule,
        RegistrationModule.forRoot({ name: 'gateway', registry: config.registry }),
        HealthModule.forRoot({
          database: false,
          imports: [KeysModule, RoutingModule],
          readiness: {
            inject: [Upstreams],
            useFactory: (upstreams: Upstreams) =>
              SERVICES.map((service) => async () => {
                const instances = (await upstreams.counts([service]))[service] ?? 0;
                return { [service]: { status: instances > 0 ? 'up' : 'down', instances } };
              }),
          },
          details: {
            inject: [KeyCache],
            useFactory: (cache: KeyCache) => () => ({
              keys: { loaded: cache.ready, active: cache.size },
            }),
          },
        }),
      ],
    };
  }
}

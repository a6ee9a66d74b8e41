import { typeOrmOptions } from '@iot/database';
import { HealthModule, RegistrationModule } from '@iot/http';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatewayConfig } from './config';
import { migrations } from './database/migrations';
import { KeyCache } from '@iot/keys';
import { KeysModule } from './keys/keys.module';
import { SERVICES } from './routing/proxy';
import { Upstreams } from './routing/upstreams';

@Module({})
export class AppModule {
  /**
   * Ready once the keys are loaded and while every service has at least one
   * usable instance; `/health` shows the counts.
   */
  static forRoot(config: GatewayConfig, upstreams: () => Upstreams | undefined): DynamicModule {
    const keys = KeysModule.forRoot({ refreshMs: config.keysRefreshMs, dynsec: config.dynsec });
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(typeOrmOptions(config.database, config.log.service, migrations)),
        keys,
        RegistrationModule.forRoot({ name: 'gateway', registry: config.registry }),
        HealthModule.forRoot({
          database: false,
          readiness: () =>
            SERVICES.map((service) => async () => {
              const instances = (await upstreams()?.counts([service]))?.[service] ?? 0;
              return { [service]: { status: instances > 0 ? 'up' : 'down', instances } };
            }),
          details: {
            imports: [keys],
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

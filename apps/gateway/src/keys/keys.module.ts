import { KeyCache, KeysRepository, KeysService } from '@iot/keys';
import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { KeysController } from './keys.controller';

/** The stored keys: the admin routes, and the in-memory cache every request is checked against. */
@Module({
  controllers: [KeysController],
  providers: [
    {
      provide: KeysRepository,
      inject: [Pool],
      useFactory: (pool: Pool) => new KeysRepository(pool),
    },
    {
      provide: KeysService,
      inject: [Pool, GATEWAY_CONFIG],
      useFactory: (pool: Pool, config: GatewayConfig) => new KeysService(pool, config.dynsec),
    },
    {
      provide: KeyCache,
      inject: [KeysRepository, GATEWAY_CONFIG],
      useFactory: (repository: KeysRepository, config: GatewayConfig) =>
        new KeyCache(repository, config.keysRefreshMs),
    },
  ],
  exports: [KeyCache],
})
export class KeysModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(KeyCache) private readonly cache: KeyCache) {}

  onApplicationBootstrap(): Promise<void> {
    return this.cache.start();
  }

  onApplicationShutdown(): void {
    this.cache.stop();
  }
}

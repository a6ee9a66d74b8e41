import { pgPool } from '@iot/database';
import {
  DynamicModule,
  Inject,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DynsecConfig } from '../mqtt/dynsec.config';
import { KeyCache } from '@iot/keys';
import { KeysController } from './keys.controller';
import { KeysRepository } from './keys.repository';
import { KeysService } from './keys.service';

@Module({})
export class KeysModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(KeyCache) private readonly cache: KeyCache) {}

  static forRoot(options: { refreshMs: number; dynsec?: DynsecConfig }): DynamicModule {
    return {
      module: KeysModule,
      controllers: [KeysController],
      providers: [
        {
          provide: KeysService,
          inject: [DataSource],
          useFactory: (source: DataSource) => new KeysService(pgPool(source), options.dynsec),
        },
        {
          provide: KeyCache,
          inject: [DataSource],
          useFactory: (source: DataSource) =>
            new KeyCache(new KeysRepository(pgPool(source)), options.refreshMs),
        },
      ],
      exports: [KeyCache],
    };
  }

  onApplicationBootstrap(): Promise<void> {
    return this.cache.start();
  }

  onApplicationShutdown(): void {
    this.cache.stop();
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { typeOrmOptions } from '@iot/database';
import { HealthModule } from '@iot/http';
import { FacturacionConfig } from './config';
import { migrations } from './database/migrations';

@Module({})
export class AppModule {
  static forRoot(config: FacturacionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(typeOrmOptions(config.database, config.log.service, migrations)),
        HealthModule.forRoot({ database: true }),
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthModule, typeOrmOptions } from '@iot/common';
import { FacturacionConfig } from './config';
import { migrations } from './database/migrations';

@Module({})
export class AppModule {
  static forRoot(config: FacturacionConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(typeOrmOptions(databaseUrl, config.database.poolSize, migrations)),
        HealthModule.forRoot({ database: true }),
      ],
    };
  }
}

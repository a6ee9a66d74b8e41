import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, HealthModule, typeOrmOptions } from '@iot/common';
import { DispositivoConfig } from './config';
import { migrations } from './database/migrations';
import { LecturasModule } from './lecturas/lecturas.module';

@Module({})
export class AppModule {
  static forRoot(config: DispositivoConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(typeOrmOptions(databaseUrl, config.database.poolSize, migrations)),
        AuthModule.forRoot(config.apiKeys),
        HealthModule.forRoot({ database: true }),
        LecturasModule.forRoot(config.writer),
      ],
    };
  }
}

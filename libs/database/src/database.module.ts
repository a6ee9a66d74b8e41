import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { pgPool } from './typeorm-options';

/**
 * The app's database: TypeORM runs the migrations at start, and the one pg
 * `Pool` under it is what repositories inject (`constructor(pool: Pool)`):
 * plain SQL, named prepared statements, COPY, one query API everywhere.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DataSourceOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [TypeOrmModule.forRoot(options)],
      providers: [{ provide: Pool, inject: [DataSource], useFactory: pgPool }],
      exports: [Pool],
    };
  }
}

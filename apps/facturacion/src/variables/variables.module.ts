import { DynamicModule, Module } from '@nestjs/common';
import { ConsultasConfig } from './variables.config';
import { VariablesController } from './variables.controller';
import { VariablesRepository } from './variables.repository';
import { CONSULTAS_CONFIG, VariablesService } from './variables.service';

/** Billing staff's queries over the per-variable tables: variables, pages, summaries, CSV. */
@Module({})
export class VariablesModule {
  static forRoot(config: ConsultasConfig): DynamicModule {
    return {
      module: VariablesModule,
      controllers: [VariablesController],
      providers: [
        { provide: CONSULTAS_CONFIG, useValue: config },
        VariablesRepository,
        VariablesService,
      ],
    };
  }
}

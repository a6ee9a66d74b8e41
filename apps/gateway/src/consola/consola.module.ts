import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { ConsolaController } from './consola.controller';
import { IngestaService } from './ingesta.service';

/** The operators' and billing staff's console: who the key is, every instance's ingestion. */
@Module({ imports: [RoutingModule], controllers: [ConsolaController], providers: [IngestaService] })
export class ConsolaModule {}

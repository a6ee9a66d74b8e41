import { Module } from '@nestjs/common';
import { ExportacionController } from './exportacion.controller';
import { ExportacionRepository } from './exportacion.repository';
import { ExportacionService } from './exportacion.service';

/** What facturacion pulls: the original /solicitud and the exact, resumable export. */
@Module({
  controllers: [ExportacionController],
  providers: [ExportacionRepository, ExportacionService],
})
export class ExportacionModule {}

import { Module } from '@nestjs/common';
import { RechazadasController } from './rechazadas.controller';
import { RechazadasRepository } from './rechazadas.repository';
import { RechazadasService } from './rechazadas.service';

@Module({
  controllers: [RechazadasController],
  providers: [RechazadasRepository, RechazadasService],
  exports: [RechazadasService, RechazadasRepository],
})
export class RechazadasModule {}

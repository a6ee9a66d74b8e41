import { Module } from '@nestjs/common';
import { TarifasController } from './tarifas.controller';
import { TarifasRepository } from './tarifas.repository';
import { TarifasService } from './tarifas.service';

/** Tariffs as versioned data. */
@Module({
  controllers: [TarifasController],
  providers: [TarifasRepository, TarifasService],
  exports: [TarifasService],
})
export class TarifasModule {}

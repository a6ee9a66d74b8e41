import { Module } from '@nestjs/common';
import { GraficaController } from './grafica.controller';
import { GraficaRepository } from './grafica.repository';
import { GraficaService } from './grafica.service';

/** Plots for the console: a device's variables, a series downsampled on the server. */
@Module({
  controllers: [GraficaController],
  providers: [GraficaRepository, GraficaService],
})
export class GraficaModule {}

import { Module } from '@nestjs/common';
import { ActividadController } from './actividad.controller';
import { ActividadService } from './actividad.service';

/** Ingestion's counters for the console (the gateway gathers every instance's). */
@Module({ controllers: [ActividadController], providers: [ActividadService] })
export class ActividadModule {}

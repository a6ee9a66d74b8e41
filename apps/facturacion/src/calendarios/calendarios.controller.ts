import { Caller, CurrentCaller } from '@iot/http';
import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { claveDe } from '../auditoria/clave';
import { CalendarioParams, FestivoBody, FestivoParams, FestivosQuery } from './calendarios.dto';
import { CalendariosService } from './calendarios.service';

@ApiTags('calendarios')
@Controller('api/facturacion/calendarios')
export class CalendariosController {
  constructor(private readonly calendarios: CalendariosService) {}

  @Get(':calendario/festivos')
  @ApiOperation({ summary: "A holiday calendar's holidays, by date" })
  ver(@Param() p: CalendarioParams, @Query() q: FestivosQuery) {
    return this.calendarios.ver(p.calendario, q.anio);
  }

  @Put(':calendario/festivos/:fecha')
  @ApiOperation({ summary: 'Add (or rename) a holiday; the calendar is made on its first one' })
  guardar(@Param() p: FestivoParams, @Body() b: FestivoBody, @CurrentCaller() caller?: Caller) {
    return this.calendarios.guardar(p.calendario, p.fecha, b.nombre, claveDe(caller));
  }

  @Delete(':calendario/festivos/:fecha')
  @ApiOperation({ summary: 'Remove a holiday' })
  quitar(@Param() p: FestivoParams, @CurrentCaller() caller?: Caller) {
    return this.calendarios.quitar(p.calendario, p.fecha, claveDe(caller));
  }
}

import { Caller, CurrentCaller } from '@iot/http';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { claveDe } from '../auditoria/clave';
import { IdParams, PaginaQuery } from '../formatos';
import { TarifaBody, UrdbBody, UrdbQuery, VersionBody } from './tarifas.dto';
import { TarifasService } from './tarifas.service';

@ApiTags('tarifas')
@Controller('api/facturacion/tarifas')
export class TarifasController {
  constructor(private readonly tarifas: TarifasService) {}

  @Post()
  @ApiOperation({ summary: 'Create a tariff with its first version' })
  crear(@Body() b: TarifaBody, @CurrentCaller() caller?: Caller) {
    return this.tarifas.crear(b, claveDe(caller));
  }

  @Post('urdb')
  @ApiOperation({
    summary: 'Create a tariff from an OpenEI URDB record (unsupported fields refused by name)',
  })
  crearDesdeUrdb(@Body() b: UrdbBody, @CurrentCaller() caller?: Caller) {
    return this.tarifas.crearDesdeUrdb(b.nombre, b.registro, claveDe(caller));
  }

  @Get(':id/urdb')
  @ApiOperation({ summary: 'A version as an OpenEI URDB record' })
  urdb(@Param() p: IdParams, @Query() q: UrdbQuery) {
    return this.tarifas.urdb(p.id, q.version);
  }

  @Get()
  @ApiOperation({ summary: 'Tariffs, a page at a time' })
  pagina(@Query() q: PaginaQuery) {
    return this.tarifas.pagina(q.limite ?? 100, q.despuesDe);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A tariff with every version and the dates each is in force' })
  ver(@Param() p: IdParams) {
    return this.tarifas.ver(p.id);
  }

  @Post(':id/versiones')
  @ApiOperation({ summary: 'A new version from a later date (versions are never edited)' })
  nuevaVersion(@Param() p: IdParams, @Body() b: VersionBody, @CurrentCaller() caller?: Caller) {
    return this.tarifas.nuevaVersion(p.id, b, claveDe(caller));
  }
}

import { Caller, CurrentCaller } from '@iot/http';
import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AsignacionParams,
  AsignarBody,
  AsignarTarifaBody,
  CuentaBody,
  CuentaPatch,
  RetirarQuery,
} from './cuentas.dto';
import { claveDe } from '../auditoria/clave';
import { IdParams, PaginaQuery } from '../formatos';
import { CuentasService } from './cuentas.service';

@ApiTags('cuentas')
@Controller('api/facturacion/cuentas')
export class CuentasController {
  constructor(private readonly cuentas: CuentasService) {}

  @Post()
  @ApiOperation({ summary: 'Create an account (zone, ISO 4217 currency, billing cycle)' })
  crear(@Body() b: CuentaBody, @CurrentCaller() caller?: Caller) {
    return this.cuentas.crear(b, claveDe(caller));
  }

  @Get()
  @ApiOperation({ summary: 'Accounts, a page at a time' })
  pagina(@Query() q: PaginaQuery) {
    return this.cuentas.pagina(q.limite ?? 100, q.despuesDe);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An account with every device it has had, and when' })
  ver(@Param() p: IdParams) {
    return this.cuentas.ver(p.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an account; the fields given replace its own' })
  actualizar(@Param() p: IdParams, @Body() b: CuentaPatch, @CurrentCaller() caller?: Caller) {
    return this.cuentas.actualizar(p.id, b, claveDe(caller));
  }

  @Put(':id/dispositivos/:numeroSerie')
  @ApiOperation({
    summary: 'The device bills to this account from desde (ends its previous account there)',
  })
  asignar(@Param() p: AsignacionParams, @Body() b: AsignarBody, @CurrentCaller() caller?: Caller) {
    return this.cuentas.asignar(p.id, p.numeroSerie, b.desde, claveDe(caller));
  }

  @Put(':id/tarifa')
  @ApiOperation({
    summary: 'The tariff prices the account from desde (ends the previous one there)',
  })
  asignarTarifa(
    @Param() p: IdParams,
    @Body() b: AsignarTarifaBody,
    @CurrentCaller() caller?: Caller,
  ) {
    return this.cuentas.asignarTarifa(p.id, b.tarifaId, b.desde, claveDe(caller));
  }

  @Delete(':id/dispositivos/:numeroSerie')
  @ApiOperation({ summary: 'The device leaves this account at hasta' })
  retirar(
    @Param() p: AsignacionParams,
    @Query() q: RetirarQuery,
    @CurrentCaller() caller?: Caller,
  ) {
    return this.cuentas.retirar(p.id, p.numeroSerie, q.hasta, claveDe(caller));
  }

  @Get(':id/auditoria')
  @ApiOperation({ summary: 'Who changed the account or its devices, when, from what to what' })
  historial(@Param() p: IdParams, @Query() q: PaginaQuery) {
    return this.cuentas.historial(p.id, q.limite ?? 100, q.despuesDe);
  }
}

import { Caller, CurrentCaller, RequiredInstant } from '@iot/http';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { claveDe } from '../auditoria/clave';
import { CuentaParams } from '../cuentas/cuentas.dto';
import { FacturasService } from './facturas.service';

export class BorradorBody {
  @ApiProperty({
    example: '2026-03',
    description: 'the billing month (from the account cycle day)',
  })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month, YYYY-MM' })
  @IsString({ message: 'must be a string' })
  periodo!: string;
}

export class FinalizarBody {
  /** The calculadaEn of the draft that was reviewed. */
  @RequiredInstant()
  confirmacion!: Date;
}

@ApiTags('facturas')
@Controller('api/facturacion')
export class FacturasController {
  constructor(private readonly facturas: FacturasService) {}

  @Post('cuentas/:id/facturas')
  @HttpCode(200)
  @ApiOperation({ summary: "Build (or rebuild) a period's draft statement" })
  borrador(@Param() p: CuentaParams, @Body() b: BorradorBody) {
    return this.facturas.borrador(p.id, b.periodo);
  }

  @Post('facturas/:id/finalizar')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make a reviewed draft final: numbered, never changed again',
    description:
      'confirmacion: the calculadaEn of the draft that was reviewed (its coverage, estimated share, total)',
  })
  finalizar(@Param() p: CuentaParams, @Body() b: FinalizarBody, @CurrentCaller() caller?: Caller) {
    return this.facturas.finalizar(p.id, b.confirmacion, claveDe(caller));
  }

  @Get('facturas/:id')
  @ApiOperation({ summary: 'A statement with every line explained' })
  ver(@Param() p: CuentaParams) {
    return this.facturas.ver(p.id);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
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

  @Get('facturas/:id')
  @ApiOperation({ summary: 'A statement with every line explained' })
  ver(@Param() p: CuentaParams) {
    return this.facturas.ver(p.id);
  }
}

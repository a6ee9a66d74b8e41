import { Caller, CurrentCaller, RequiredInstant } from '@iot/http';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { claveDe } from '../auditoria/clave';
import { ID, IdParams, PERIODO } from '../formatos';
import { csvReply, Separador, wantsCsv } from '../variables/csv';
import { facturaCsv } from './factura-csv';
import { facturaPdf } from './factura-pdf';
import { FacturasService } from './facturas.service';
import { RefacturacionService } from './refacturacion.service';

export class BorradorBody {
  @ApiProperty({
    example: '2026-03',
    description: 'the billing month (from the account cycle day)',
  })
  @Matches(PERIODO, { message: 'must be a month, YYYY-MM, from 1900' })
  @IsString({ message: 'must be a string' })
  periodo!: string;
}

export class FormatoFacturaDto {
  @ApiPropertyOptional({ enum: ['json', 'csv', 'pdf'] })
  @IsIn(['json', 'csv', 'pdf'], { message: 'must be json, csv or pdf' })
  @IsOptional()
  formato?: 'json' | 'csv' | 'pdf';

  @ApiPropertyOptional({ enum: [',', ';'], description: '; writes decimal commas' })
  @IsIn([',', ';'], { message: 'must be , or ;' })
  @IsOptional()
  separador?: Separador;
}

export class RefacturarBody extends BorradorBody {
  @ApiProperty({
    example: '7',
    description: 'the tariff version (its own id) to price the period with',
  })
  @Matches(ID, { message: 'must be a tariff version id (a positive integer)' })
  @IsString({ message: 'must be a string' })
  versionId!: string;

  @ApiPropertyOptional({ description: 'false or absent: a dry run (the diff only)' })
  @IsBoolean({ message: 'must be true or false' })
  @IsOptional()
  aplicar?: boolean;
}

export class FinalizarBody {
  /** The calculadaEn of the draft that was reviewed. */
  @RequiredInstant()
  confirmacion!: Date;
}

@ApiTags('facturas')
@Controller('api/facturacion')
export class FacturasController {
  constructor(
    private readonly facturas: FacturasService,
    private readonly refacturacion: RefacturacionService,
  ) {}

  @Get('cuentas/:id/facturas')
  @ApiOperation({ summary: "An account's statements, newest period first (their lines apart)" })
  deCuenta(@Param() p: IdParams) {
    return this.facturas.deCuenta(p.id);
  }

  @Post('cuentas/:id/facturas')
  @HttpCode(200)
  @ApiOperation({ summary: "Build (or rebuild) a period's draft statement" })
  borrador(@Param() p: IdParams, @Body() b: BorradorBody) {
    return this.facturas.borrador(p.id, b.periodo);
  }

  @Post('cuentas/:id/facturas/refacturar')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-rate a period with a tariff version: a diff, or (aplicar) a rebuilt draft',
    description:
      'A dry run answers the line-by-line diff. Applied to a draft it rebuilds it with the version; applied to a final statement it stays as it is and the difference is an adjustment on the next draft.',
  })
  refacturar(@Param() p: IdParams, @Body() b: RefacturarBody, @CurrentCaller() caller?: Caller) {
    return this.refacturacion.refacturar(
      p.id,
      b.periodo,
      b.versionId,
      b.aplicar ?? false,
      claveDe(caller),
    );
  }

  @Post('facturas/programado')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Run the statements job now (it also runs on FACTURAS_CRON); null: it is running elsewhere',
  })
  async programado() {
    return (await this.facturas.programado()) ?? null;
  }

  @Post('facturas/:id/finalizar')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make a reviewed draft final: numbered, never changed again',
    description:
      'confirmacion: the calculadaEn of the draft that was reviewed (its coverage, estimated share, total)',
  })
  finalizar(@Param() p: IdParams, @Body() b: FinalizarBody, @CurrentCaller() caller?: Caller) {
    return this.facturas.finalizar(p.id, b.confirmacion, claveDe(caller));
  }

  @Get('facturas/:id')
  @ApiOperation({ summary: 'A statement with every line explained: JSON, CSV or PDF' })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  async ver(
    @Param() p: IdParams,
    @Query() q: FormatoFacturaDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const formato = q.formato ?? (accept?.includes('application/pdf') ? 'pdf' : undefined);
    if (formato === 'pdf') {
      const doc = facturaPdf(await this.facturas.documento(p.id));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="factura-${p.id}.pdf"`)
        .send(doc);
    }
    const f = await this.facturas.ver(p.id);
    if (!wantsCsv(formato, accept)) return reply.send(f);
    return csvReply(reply, `factura-${p.id}.csv`).send(facturaCsv(f, q.separador ?? ',').join(''));
  }
}

import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { csvReply, wantsCsv } from '../variables/csv';
import {
  CatalogoBody,
  CatalogoParams,
  ConsultaCambiosDto,
  ConsultaEnergiaDto,
  MedicionBody,
  SerieParams,
} from './energia.dto';
import type { VariableCatalogada } from './energia.repository';
import { EnergiaService } from './energia.service';
import { CambiosService } from './cambios.service';
import { UsoService } from './uso.service';

@ApiTags('energia')
@Controller('api/facturacion')
export class EnergiaController {
  constructor(
    private readonly uso: UsoService,
    private readonly energia: EnergiaService,
    private readonly cambios: CambiosService,
  ) {}

  @Get('catalogo')
  @ApiOperation({ summary: 'Billed variables with their kind and unit' })
  async catalogo(): Promise<{ variables: VariableCatalogada[] }> {
    return { variables: await this.uso.catalogo() };
  }

  @Put('catalogo/:nombre')
  @ApiOperation({ summary: 'Declare a variable as instantaneo or contador, with its unit' })
  async declarar(@Param() p: CatalogoParams, @Body() b: CatalogoBody) {
    await this.uso.declarar(p.nombre, b.tipo, b.unidad);
    return { nombre: p.nombre, tipo: b.tipo, unidad: b.unidad };
  }

  @Put('dispositivos/:numeroSerie')
  @ApiOperation({ summary: "A device's power factor and nominal voltage (null: the defaults)" })
  medicion(@Param() p: SerieParams, @Body() b: MedicionBody) {
    return this.uso.configurar(p.numeroSerie, b);
  }

  @Get('energia')
  @ApiOperation({ summary: 'Energy of a device per 15m, hora, dia or mes (local, IANA zone)' })
  @ApiProduces('application/json', 'text/csv')
  async energiaDe(
    @Query() q: ConsultaEnergiaDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const uso = await this.uso.uso(q);
    if (!wantsCsv(q.formato, accept)) return reply.send(uso);
    const lines = this.uso.usoCsv(uso.energia, q.separador ?? ',');
    return csvReply(reply, `${q.numeroSerie}-energia.csv`).send(Readable.from(lines));
  }

  @Get('energia/cambios')
  @ApiOperation({
    summary: 'Intervals (re)computed after an instant: what statements must look at again',
  })
  cambiosDesde(@Query() q: ConsultaCambiosDto) {
    return this.cambios.desde(q);
  }

  @Post('energia/calculos')
  @HttpCode(200)
  @ApiOperation({ summary: 'Recompute the marked days now (the job also runs on ENERGIA_CRON)' })
  async calcular(): Promise<{ dias: number | null }> {
    return { dias: (await this.energia.calcularPendientes()) ?? null };
  }
}

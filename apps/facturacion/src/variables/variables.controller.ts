import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PaginaLecturas } from '@iot/contracts';
import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { csvReply, wantsCsv } from './csv';
import { ConsultaLecturasFacturadasDto, ConsultaResumenDto, VariableParams } from './variables.dto';
import { Resumen, VariablesService } from './variables.service';
import { VariableFacturada } from './variables.repository';

@ApiTags('variables')
@Controller('api/facturacion/variables')
export class VariablesController {
  constructor(private readonly variables: VariablesService) {}

  @Get()
  @ApiOperation({ summary: 'Billed variables with their counters' })
  async list(): Promise<{ variables: VariableFacturada[] }> {
    return { variables: await this.variables.findAll() };
  }

  @Get(':nombre/lecturas')
  @ApiOperation({ summary: 'Billed readings of a variable: JSON pages or CSV (formato=csv)' })
  @ApiProduces('application/json', 'text/csv')
  async lecturas(
    @Param() p: VariableParams,
    @Query() q: ConsultaLecturasFacturadasDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    if (!wantsCsv(q.formato, accept)) {
      const page: PaginaLecturas = await this.variables.page(p.nombre, q);
      return reply.send(page);
    }
    const rows = await this.variables.csv(p.nombre, q, q.separador ?? ',');
    return csvReply(reply, `${p.nombre}-lecturas.csv`).send(Readable.from(rows));
  }

  @Get(':nombre/resumen')
  @ApiOperation({ summary: 'Count, min, max, mean and sum per hora, dia, semana or mes' })
  @ApiProduces('application/json', 'text/csv')
  async resumen(
    @Param() p: VariableParams,
    @Query() q: ConsultaResumenDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const resumen: Resumen = await this.variables.summarize(p.nombre, q);
    if (!wantsCsv(q.formato, accept)) return reply.send(resumen);
    const lines = this.variables.summaryCsv(resumen, q.separador ?? ',', q.porDispositivo ?? false);
    return csvReply(reply, `${p.nombre}-resumen.csv`).send(Readable.from(lines));
  }
}

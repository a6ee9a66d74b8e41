import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { ConsultaCalidadDto } from '../energia/energia.dto';
import { csvReply, wantsCsv } from '../variables/csv';
import { CalidadService } from './calidad.service';

@ApiTags('calidad')
@Controller('api/facturacion/calidad')
export class CalidadController {
  constructor(private readonly calidad: CalidadService) {}

  @Get()
  @ApiOperation({ summary: 'Data quality per device and local day' })
  @ApiProduces('application/json', 'text/csv')
  async porDia(
    @Query() q: ConsultaCalidadDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const r = await this.calidad.calidad(q);
    if (!wantsCsv(q.formato, accept)) return reply.send(r);
    const lines = this.calidad.calidadCsv(r.dias, q.separador ?? ',');
    return csvReply(reply, `${q.numeroSerie}-calidad.csv`).send(Readable.from(lines));
  }
}

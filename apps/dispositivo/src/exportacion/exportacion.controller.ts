import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { Internal } from '@iot/http';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { decodeExportCursor, EXPORT_START } from './export-cursor';
import { ConsultaExportacionDto, SolicitudDto } from './exportacion.dto';
import { ExportacionService } from './exportacion.service';

@ApiTags('exportacion')
@Controller('api/dispositivo')
export class ExportacionController {
  constructor(private readonly exportacion: ExportacionService) {}

  /** Newer readings for facturacion, streamed as NDJSON; the last line says where to resume. */
  @Get('exportacion')
  @Internal()
  @ApiExcludeEndpoint() // facturacion's, with dispositivo's own keys: not a public route
  async stream(
    @Query() q: ConsultaExportacionDto,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const after = q.despuesDe ? decodeExportCursor(q.despuesDe) : EXPORT_START;
    const lines = await this.exportacion.stream(
      q.variables,
      after,
      q.limite ?? 10_000,
      q.consumidor,
    );
    return reply.type('application/x-ndjson').send(Readable.from(lines));
  }

  /** The original contract: readings of one variable with a greater id, as a JSON array. */
  @Post('solicitud')
  @ApiOperation({
    summary: 'The original contract: readings of one variable after an id, as one JSON array',
  })
  @HttpCode(200)
  solicitud(@Body() dto: SolicitudDto, @Res() reply: FastifyReply): FastifyReply {
    const chunks = this.exportacion.solicitud(dto.nombreVariable, dto.findUltimoIdDispositivo ?? 0);
    return reply.code(200).type('application/json').send(Readable.from(chunks));
  }
}

import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Get, HttpCode, Post, Query, Res, UseFilters } from '@nestjs/common';
import { LecturaRespuesta, PaginaLecturas, BatchResult } from '@iot/contracts';
import { Caller, CurrentCaller } from '@iot/http';
import { ConsultaLecturasDto } from './dto/consulta-lecturas.dto';
import { EnvioRechazadaFilter } from './envio-rechazada.filter';
import { LecturaEnvioDto } from './dto/lectura-envio.dto';
import { LecturasService } from './lecturas.service';

interface StatusReply {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

@ApiTags('lecturas')
@Controller('api/dispositivo')
export class LecturasController {
  constructor(private readonly lecturas: LecturasService) {}

  /** The original contract: 201 with the stored reading; a re-send answers 200 with the same one. */
  @Post('envio')
  @ApiOperation({
    summary: 'One reading',
    description:
      '201 stored, 200 already stored (same value), 409 conflict, 400 names the field, 403 serial not bound to the key.',
  })
  @UseFilters(EnvioRechazadaFilter)
  async envio(
    @Body() dto: LecturaEnvioDto,
    @Res({ passthrough: true }) reply: StatusReply,
    @CurrentCaller() caller?: Caller,
  ): Promise<LecturaRespuesta> {
    const { nueva, lectura } = await this.lecturas.record(dto, caller?.series);
    reply.status(nueva ? 201 : 200);
    reply.header('lectura-estado', nueva ? 'stored' : 'duplicate');
    return lectura;
  }

  @Post('lecturas')
  @ApiOperation({
    summary: 'A batch of up to 1000 readings',
    description:
      'Each item validated on its own: stored, duplicate, conflict or rejected (with errors), all committed together.',
  })
  @ApiBody({ type: [LecturaEnvioDto] })
  @HttpCode(200)
  batch(@Body() body: unknown, @CurrentCaller() caller?: Caller): Promise<BatchResult> {
    return this.lecturas.recordBatch(body, caller?.series);
  }

  @Get('lecturas')
  @ApiOperation({ summary: "A device's readings, a page at a time (keyset)" })
  findPage(@Query() query: ConsultaLecturasDto): Promise<PaginaLecturas> {
    return this.lecturas.findPage(query);
  }
}

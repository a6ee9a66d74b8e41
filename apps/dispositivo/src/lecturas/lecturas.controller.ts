import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { LecturaRespuesta, PaginaLecturas, ResultadoLote } from '@iot/contracts';
import { Caller, CurrentCaller } from '@iot/http';
import { ConsultaLecturasDto } from './dto/consulta-lecturas.dto';
import { LecturaEnvioDto } from './dto/lectura-envio.dto';
import { LecturasService } from './lecturas.service';

interface StatusReply {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

@Controller('api/dispositivo')
export class LecturasController {
  constructor(private readonly lecturas: LecturasService) {}

  /** The original contract: 201 with the stored reading; a re-send answers 200 with the same one. */
  @Post('envio')
  async envio(
    @Body() dto: LecturaEnvioDto,
    @Res({ passthrough: true }) reply: StatusReply,
    @CurrentCaller() caller?: Caller,
  ): Promise<LecturaRespuesta> {
    const { nueva, lectura } = await this.lecturas.registrar(dto, caller?.series);
    reply.status(nueva ? 201 : 200);
    reply.header('lectura-estado', nueva ? 'stored' : 'duplicate');
    return lectura;
  }

  @Post('lecturas')
  @HttpCode(200)
  lote(@Body() body: unknown, @CurrentCaller() caller?: Caller): Promise<ResultadoLote> {
    return this.lecturas.registrarLote(body, caller?.series);
  }

  @Get('lecturas')
  consultar(@Query() query: ConsultaLecturasDto): Promise<PaginaLecturas> {
    return this.lecturas.consultar(query);
  }
}

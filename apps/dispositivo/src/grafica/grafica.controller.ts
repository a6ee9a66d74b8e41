import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DispositivoRespuesta, GraficaRespuesta } from '@iot/contracts';
import { BusquedaDispositivosDto, ConsultaGraficaDto, DispositivoParams } from './grafica.dto';
import { GraficaService } from './grafica.service';

@ApiTags('grafica')
@Controller('api/dispositivo')
export class GraficaController {
  constructor(private readonly grafica: GraficaService) {}

  @Get('grafica')
  @ApiOperation({
    summary: "A device's variable over a range, downsampled to a point budget (admin)",
    description:
      'First, minimum, maximum and last of each bucket (peaks survive); null where the line breaks (a gap).',
  })
  serie(@Query() q: ConsultaGraficaDto): Promise<GraficaRespuesta> {
    return this.grafica.grafica(q);
  }

  @Get('dispositivos')
  @ApiOperation({ summary: 'Serials starting with a prefix (admin)' })
  buscar(@Query() q: BusquedaDispositivosDto): Promise<{ dispositivos: string[] }> {
    return this.grafica.buscar(q.prefijo, q.limite);
  }

  @Get('dispositivos/:numeroSerie')
  @ApiOperation({ summary: "A device's variables with their first and last readings (admin)" })
  dispositivo(@Param() p: DispositivoParams): Promise<DispositivoRespuesta> {
    return this.grafica.dispositivo(p.numeroSerie);
  }
}

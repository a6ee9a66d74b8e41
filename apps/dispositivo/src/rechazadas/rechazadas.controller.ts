import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Query } from '@nestjs/common';
import { ConsultaRechazadasDto } from './consulta-rechazadas.dto';
import { PaginaRechazadas, RechazadasService } from './rechazadas.service';

@ApiTags('rechazadas')
@Controller('api/dispositivo/rechazadas')
export class RechazadasController {
  constructor(private readonly rechazadas: RechazadasService) {}

  /** Dead letters, newest first. */
  @Get()
  @ApiOperation({ summary: 'Dead letters (refused MQTT messages), newest first' })
  list(@Query() q: ConsultaRechazadasDto): Promise<PaginaRechazadas> {
    return this.rechazadas.list(q.antesDe, q.limite ?? 100);
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ConsultaRechazadasDto } from './consulta-rechazadas.dto';
import { PaginaRechazadas, RechazadasService } from './rechazadas.service';

@Controller('api/dispositivo/rechazadas')
export class RechazadasController {
  constructor(private readonly rechazadas: RechazadasService) {}

  /** Dead letters, newest first. */
  @Get()
  listar(@Query() q: ConsultaRechazadasDto): Promise<PaginaRechazadas> {
    return this.rechazadas.listar(q.antesDe, q.limite ?? 100);
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actividad, ActividadService } from './actividad.service';

@ApiTags('actividad')
@Controller('api/dispositivo')
export class ActividadController {
  constructor(private readonly actividad: ActividadService) {}

  @Get('actividad')
  @ApiOperation({
    summary: "This instance's ingestion counters and its last hour of readings per second (admin)",
  })
  get(): Promise<Actividad> {
    return this.actividad.actividad();
  }
}

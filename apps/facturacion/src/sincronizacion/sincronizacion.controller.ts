import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@iot/common';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ConsultaSincronizacionesDto, SincronizacionParams } from './sincronizacion.dto';
import { EstadoPull, SincronizacionService } from './sincronizacion.service';
import { Sincronizacion, SincronizacionesRepository } from './sincronizaciones.repository';

class SincronizacionNoEncontradaError extends DomainError {
  constructor(id: number) {
    super('not_found', `no sync run ${id}`);
  }
}

@ApiTags('sincronizaciones')
@Controller('api/facturacion/sincronizaciones')
export class SincronizacionController {
  constructor(
    private readonly sync: SincronizacionService,
    private readonly runs: SincronizacionesRepository,
  ) {}

  /** Staff trigger: 202 with the run's id (the one in progress, if any: `nueva: false`). */
  @Post()
  @ApiOperation({ summary: 'Start a pull now (202; the running one if any)' })
  @HttpCode(202)
  async start(): Promise<{ id: number; nueva: boolean }> {
    const started = await this.sync.start('manual');
    if (!started) throw new DomainError('unavailable', 'facturacion is shutting down');
    return started;
  }

  /** Recent runs, newest first, with the pull's state. */
  @Get()
  @ApiOperation({ summary: 'Recent runs and the state of the pull' })
  async list(
    @Query() q: ConsultaSincronizacionesDto,
  ): Promise<EstadoPull & { sincronizaciones: Sincronizacion[] }> {
    return { ...this.sync.status(), sincronizaciones: await this.runs.findRecent(q.limite ?? 20) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One run' })
  async one(@Param() p: SincronizacionParams): Promise<Sincronizacion> {
    const run = await this.runs.findById(p.id);
    if (!run) throw new SincronizacionNoEncontradaError(p.id);
    return run;
  }
}

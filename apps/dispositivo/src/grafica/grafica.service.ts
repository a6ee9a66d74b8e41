import { Injectable } from '@nestjs/common';
import { DomainError, InvalidInputError } from '@iot/common';
import type { DispositivoRespuesta, GraficaRespuesta } from '@iot/contracts';
import { DiccionarioRepository } from '../almacen/diccionario.repository';
import { ConsultaGraficaDto } from './grafica.dto';
import { GraficaRepository } from './grafica.repository';
import { anchoDeCubeta, reducir } from './reducir';

const DIA_MS = 86_400_000;
const PUNTOS = 1000;
const SERIES = 20;

class DispositivoDesconocidoError extends DomainError {
  constructor(numeroSerie: string) {
    super('not_found', `no reading of ${numeroSerie} is stored`, { numeroSerie });
  }
}

/** Plots of a device's readings (operators' console): downsampled on the server. */
@Injectable()
export class GraficaService {
  constructor(
    private readonly repository: GraficaRepository,
    private readonly diccionario: DiccionarioRepository,
  ) {}

  async grafica(q: ConsultaGraficaDto, ahora = new Date()): Promise<GraficaRespuesta> {
    const hasta = q.hasta ?? ahora;
    const desde = q.desde ?? new Date(hasta.getTime() - DIA_MS);
    if (desde >= hasta) {
      throw new InvalidInputError([{ field: 'desde', reason: 'must be before hasta' }]);
    }
    const anchoMs = anchoDeCubeta(desde.getTime(), hasta.getTime(), q.puntos ?? PUNTOS);
    const dispositivoId = await this.diccionario.findDispositivoId(q.numeroSerie);
    const [variableId] = await this.diccionario.findVariableIds([q.nombreVariable]);
    const cubetas =
      dispositivoId === undefined || variableId === undefined
        ? []
        : await this.repository.findCubetas(dispositivoId, variableId, desde, hasta, anchoMs);
    return {
      numeroSerie: q.numeroSerie,
      nombreVariable: q.nombreVariable,
      desde: desde.toISOString(),
      hasta: hasta.toISOString(),
      anchoMs,
      lecturas: cubetas.reduce((n, c) => n + c.n, 0),
      ...reducir(cubetas, anchoMs),
    };
  }

  async dispositivo(numeroSerie: string): Promise<DispositivoRespuesta> {
    const id = await this.diccionario.findDispositivoId(numeroSerie);
    const variables = id === undefined ? [] : await this.repository.findVariables(id);
    if (variables.length === 0) throw new DispositivoDesconocidoError(numeroSerie);
    return {
      numeroSerie,
      variables: variables.map((v) => ({
        nombreVariable: v.nombreVariable,
        primera: v.primera.toISOString(),
        ultima: v.ultima.toISOString(),
      })),
    };
  }

  async buscar(prefijo: string, limite = SERIES): Promise<{ dispositivos: string[] }> {
    return { dispositivos: await this.repository.findSeries(prefijo, limite) };
  }
}

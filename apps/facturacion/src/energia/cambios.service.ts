import { InvalidInputError } from '@iot/common';
import { Injectable } from '@nestjs/common';
import { EnergiaRepository } from './energia.repository';

interface Clave {
  calculadoEn: string;
  numeroSerie: string;
  inicio: string;
}

const encode = (c: Clave): string =>
  Buffer.from(JSON.stringify([c.calculadoEn, c.numeroSerie, c.inicio])).toString('base64url');

function decode(text: string): Clave {
  try {
    const [calculadoEn, numeroSerie, inicio] = JSON.parse(
      Buffer.from(text, 'base64url').toString(),
    ) as string[];
    if (
      [calculadoEn, inicio].every((t) => typeof t === 'string' && !Number.isNaN(Date.parse(t))) &&
      typeof numeroSerie === 'string'
    ) {
      return { calculadoEn, numeroSerie, inicio };
    }
  } catch {
    // the same answer as a well-formed but wrong cursor
  }
  throw new InvalidInputError([
    { field: 'despuesDe', reason: 'must be the siguiente value of a previous page' },
  ]);
}

/** Intervals (re)computed after an instant, keyset-paged: the hook for statements. */
@Injectable()
export class CambiosService {
  constructor(private readonly repository: EnergiaRepository) {}

  async desde(q: { desde?: Date; limite?: number; despuesDe?: string }) {
    const limite = q.limite ?? 1000;
    const filas = await this.repository.findCambios(
      q.desde ?? new Date(0),
      q.despuesDe ? decode(q.despuesDe) : undefined,
      limite,
    );
    const ultima = filas.at(-1);
    return {
      cambios: filas.map((f) => ({
        numeroSerie: f.numeroSerie,
        inicio: f.inicio.toISOString(),
        fin: f.fin.toISOString(),
        energia: f.energia,
        unidad: f.unidad,
        fuente: f.fuente,
        cobertura: f.cobertura,
        calidad: f.calidad,
        version: f.version,
        calculadoEn: f.calculadoEnTexto,
      })),
      siguiente:
        filas.length === limite && ultima
          ? encode({
              calculadoEn: ultima.calculadoEnTexto,
              numeroSerie: ultima.numeroSerie,
              inicio: ultima.inicio.toISOString(),
            })
          : null,
    };
  }
}

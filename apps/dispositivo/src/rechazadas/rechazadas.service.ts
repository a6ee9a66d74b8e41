import { ultimaDePagina } from '@iot/common';
import { Injectable } from '@nestjs/common';
import { Rechazada } from './rechazada';
import { RechazadaGuardada, RechazadasRepository } from './rechazadas.repository';

export interface PaginaRechazadas {
  rechazadas: RechazadaGuardada[];
  siguiente: number | null;
}

@Injectable()
export class RechazadasService {
  constructor(private readonly repository: RechazadasRepository) {}

  /** A dead letter on its own, when the message's readings could not be written at all. */
  save(rechazada: Rechazada): Promise<void> {
    return this.repository.insertAlone(rechazada);
  }

  async list(antesDe: number | undefined, limite: number): Promise<PaginaRechazadas> {
    const rechazadas = await this.repository.findPageBefore(antesDe, limite);
    const ultima = ultimaDePagina(rechazadas, limite);
    return { rechazadas, siguiente: ultima ? ultima.id : null };
  }
}

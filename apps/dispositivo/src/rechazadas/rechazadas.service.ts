import { Injectable } from '@nestjs/common';
import { Rechazo } from '../lecturas/mensaje-mqtt';
import { RechazadaGuardada, RechazadasRepository } from './rechazadas.repository';

/** Stored payloads are cut to this many characters; `payloadBytes` keeps the real size. */
export const RECHAZO_PAYLOAD_MAX = 4096;

export interface PaginaRechazadas {
  rechazadas: RechazadaGuardada[];
  siguiente: number | null;
}

@Injectable()
export class RechazadasService {
  constructor(private readonly repository: RechazadasRepository) {}

  async guardar(rechazos: Rechazo[]): Promise<void> {
    if (rechazos.length === 0) return;
    await this.repository.insertMany(
      rechazos.map((r) => ({ ...r, payload: r.payload.slice(0, RECHAZO_PAYLOAD_MAX) })),
    );
  }

  async listar(antesDe: number | undefined, limite: number): Promise<PaginaRechazadas> {
    const rechazadas = await this.repository.findPageBefore(antesDe, limite);
    const ultima = rechazadas.length === limite ? rechazadas[rechazadas.length - 1] : undefined;
    return { rechazadas, siguiente: ultima ? ultima.id : null };
  }
}

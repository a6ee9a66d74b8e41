import { DomainError } from '@iot/common';
import { LecturaRespuesta } from '@iot/contracts';

/** Same device, variable and instant already stored with another value; the first is kept. */
export class LecturaEnConflictoError extends DomainError {
  constructor(almacenada: LecturaRespuesta, valorRecibido: number) {
    super(
      'conflict',
      'A reading with this numeroSerie, nombreVariable and estampaTiempo is already stored with a different valorVariable',
      { almacenada, valorRecibido },
    );
  }
}

export class AlmacenNoDisponibleError extends DomainError {
  constructor(cause: unknown) {
    super('unavailable', 'The reading store is unavailable; nothing was stored, retry later');
    this.cause = cause;
  }
}

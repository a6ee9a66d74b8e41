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

/** A `dispositivo` key bound to other serials sent this reading. */
export class SerieNoPermitidaError extends DomainError {
  constructor(numeroSerie: string) {
    super('forbidden', `numeroSerie ${numeroSerie} is not bound to this API key`, {
      errors: [{ field: 'numeroSerie', reason: 'is not bound to this API key' }],
    });
  }
}

/** The database is down, overloaded or did not answer in time: trying again later can succeed. */
export class StoreUnavailableError extends DomainError {
  constructor(cause: unknown) {
    super(
      'unavailable',
      'The reading store is unavailable; the reading may not have been stored: send it again later (re-sending is idempotent)',
    );
    this.cause = cause;
  }
}

/** The database refused these readings for a reason that will not go away by retrying. */
export class StoreRefusedError extends DomainError {
  readonly sqlstate?: string;

  constructor(cause: unknown) {
    const e = cause as { code?: unknown; message?: unknown };
    const sqlstate = typeof e.code === 'string' ? e.code : undefined;
    super(
      'refused',
      `The database refused the reading${sqlstate ? ` (SQLSTATE ${sqlstate})` : ''}: ${String(e.message)}`,
    );
    this.sqlstate = sqlstate;
    this.cause = cause;
  }
}

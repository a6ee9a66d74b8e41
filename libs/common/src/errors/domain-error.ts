import type { FieldProblem } from '@iot/contracts';

/**
 * Domain code throws these; each transport maps `kind` to its own answer
 * (HTTP status in the HTTP filter, a dead letter for MQTT).
 */
export type DomainErrorKind =
  'invalid' | 'forbidden' | 'conflict' | 'not_found' | 'too_large' | 'unavailable' | 'refused';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends DomainError {
  constructor(readonly errors: FieldProblem[]) {
    super('invalid', 'Validation failed', { errors });
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super('too_large', message);
  }
}

import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, InvalidInputError } from '../errors/domain-error';

/** Flattens class-validator errors into `{ field, reason }`, one per field. */
export function toFieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...toFieldProblems(error.children ?? [], field)];
  });
}

/**
 * The one global pipe: whitelisting strips unknown fields, the first failing
 * rule per field is reported (a missing field says "is required", not five
 * follow-up complaints) and the result is a domain error the filters map.
 */
export const VALIDATOR_OPTIONS = {
  whitelist: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
} as const;

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => new InvalidInputError(toFieldProblems(errors)),
  });
}

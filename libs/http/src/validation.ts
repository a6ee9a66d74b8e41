import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidInputError, MAX_JSON_DEPTH, nestsDeeperThan } from '@iot/common';
import type { FieldProblem } from '@iot/contracts';

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

/** The problem of a value too deeply nested for class-transformer (which recurses). */
export function tooDeep(field: string, value: unknown): FieldProblem | undefined {
  return nestsDeeperThan(value)
    ? { field, reason: `nests deeper than ${MAX_JSON_DEPTH} levels of arrays/objects` }
    : undefined;
}

/**
 * A DTO class may offer `static fastValidate(value)`: a hand-written check of
 * its own rules that returns the transformed value when the input is certainly
 * valid. The hot ingestion path then skips class-transformer/class-validator;
 * anything else still goes through them, so every error message comes from the
 * decorators. Before them, the depth check keeps their recursion bounded.
 */
interface FastValidated {
  fastValidate(value: unknown): unknown;
}

class FastPathValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const fast = (metadata.metatype as Partial<FastValidated> | undefined)?.fastValidate;
    const valid = fast?.(value);
    if (valid !== undefined) return Promise.resolve(valid);
    // bodies taken as `unknown` are not validated here (their handler judges each item)
    const deep = this.toValidate(metadata) && tooDeep(`(${metadata.type})`, value);
    if (deep) throw new InvalidInputError([deep]);
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new FastPathValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => new InvalidInputError(toFieldProblems(errors)),
  });
}

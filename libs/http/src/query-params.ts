import { ESTAMPA_TIEMPO_FORMATO, parseEstampaTiempo } from '@iot/contracts';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsOptional, Matches, ValidateBy } from 'class-validator';

/**
 * The query parameters every listing route shares, one definition each so
 * their messages stay the same everywhere (class-validator runs the rules
 * bottom-up: the first failing one is reported).
 */

/** An optional integer from `min` to `max` (`limite`, ids). */
export function OptionalInt(max: number, min = 1): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be an integer';
    if (value > max) return `must be at most ${max}`;
    if (value < min) return `must be at least ${min}`;
    return undefined;
  };
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max }),
    // one rule with one reason: NUL, a word or a repeated parameter is "not an
    // integer", not "above the maximum" (separate rules misreport NaN)
    ValidateBy({
      name: 'optionalInt',
      validator: {
        validate: (value) => problem(value) === undefined,
        defaultMessage: (args) => problem(args?.value) ?? '',
      },
    }),
    IsOptional(),
    // only plain decimal digits are numbers: Number() would take '', ' 5 ', '0x10', '1e2'
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value,
    ),
  );
}

/** An instant in the readings' own format (`desde`, `hasta`); required unless `optional`. */
function Instant(optional: boolean): PropertyDecorator {
  return applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      type: 'string',
      description: ESTAMPA_TIEMPO_FORMATO,
    }),
    IsDate({ message: ESTAMPA_TIEMPO_FORMATO }),
    ...(optional ? [IsOptional()] : []),
    Transform(({ value }: { value: unknown }) => parseEstampaTiempo(value) ?? value),
  );
}

export const OptionalInstant = (): PropertyDecorator => Instant(true);
export const RequiredInstant = (): PropertyDecorator => Instant(false);

/** An optional `despuesDe`: the opaque `siguiente` of a previous page. */
export function OptionalPageCursor(what = 'page'): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'string', description: `the siguiente of the previous ${what}` }),
    Matches(/^[A-Za-z0-9_-]{1,64}$/, {
      message: `must be the siguiente value of a previous ${what}`,
    }),
    IsOptional(),
  );
}

import { ESTAMPA_TIEMPO_FORMATO, parseEstampaTiempo } from '@iot/contracts';
import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/**
 * The query parameters every listing route shares, one definition each so
 * their messages stay the same everywhere (class-validator runs the rules
 * bottom-up: the first failing one is reported).
 */

/** An optional integer from `min` to `max` (`limite`, ids). */
export function OptionalInt(max: number, min = 1): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max }),
    Max(max, { message: `must be at most ${max}` }),
    Min(min, { message: `must be at least ${min}` }),
    IsInt({ message: 'must be an integer' }),
    IsOptional(),
    Type(() => Number),
  );
}

/** An optional instant in the readings' own format (`desde`, `hasta`). */
export function OptionalInstant(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'string', description: ESTAMPA_TIEMPO_FORMATO }),
    IsDate({ message: ESTAMPA_TIEMPO_FORMATO }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) => parseEstampaTiempo(value) ?? value),
  );
}

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

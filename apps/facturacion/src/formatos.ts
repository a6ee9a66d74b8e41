import { InvalidInputError } from '@iot/common';
import { OptionalInt } from '@iot/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

/** The shapes billing's routes share: ids, names shown on statements, local dates, months. */
export const ID = /^[1-9][0-9]{0,17}$/;
/** Printable text, not blank: no control characters (NUL included). */
export const NOMBRE = /^(?=[^]*\S)[^\p{Cc}]+$/u;
// years 1900 to 9999: PostgreSQL has no year 0, and billing has no use for the distant past
export const FECHA = /^(19|[2-9]\d)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const PERIODO = /^((?:19|[2-9]\d)\d{2})-(0[1-9]|1[0-2])$/;

/** `:id` of an account, a tariff or a statement. */
export class IdParams {
  @ApiProperty({ example: '1' })
  @Matches(ID, { message: 'must be an id (a positive integer)' })
  @IsString({ message: 'must be a string' })
  id!: string;
}

/** A page keyed by id: `despuesDe` is the previous page's `siguiente`. */
export class PaginaQuery {
  @OptionalInt(1000)
  limite?: number;

  @ApiPropertyOptional({ description: 'the siguiente of the previous page' })
  @Matches(ID, { message: 'must be the siguiente value of a previous page' })
  @IsString({ message: 'must be a string' })
  @IsOptional()
  despuesDe?: string;
}

/** A real calendar date (2026-02-30 is not). */
export function fechaValida(desde: string, campo = 'desde'): string {
  const t = Date.parse(`${desde}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== desde) {
    throw new InvalidInputError([{ field: campo, reason: 'must be a calendar date' }]);
  }
  return desde;
}

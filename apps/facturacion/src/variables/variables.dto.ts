import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IDENTIFIER_PATTERN, NUMERO_SERIE_PATTERN } from '@iot/contracts';
import { OptionalInstant, OptionalInt, OptionalPageCursor } from '@iot/http';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { Separador } from './csv';
import type { Intervalo } from './variables.repository';

/** Rows a CSV export may hold; JSON pages are smaller (LIMITE_JSON). */
const LIMITE_CSV = 10_000_000;
export const LIMITE_JSON = 10_000;

export class VariableParams {
  @ApiProperty({ example: 'voltaje' })
  @Matches(IDENTIFIER_PATTERN, { message: `must match ${IDENTIFIER_PATTERN.source}` })
  @MaxLength(63, { message: 'must be at most 63 characters' })
  @IsString({ message: 'must be a string' })
  nombre!: string;
}

/** `formato=csv` (or `Accept: text/csv`) and the CSV separator. */
export class FormatoDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsIn(['json', 'csv'], { message: 'must be json or csv' })
  @IsOptional()
  formato?: 'json' | 'csv';

  @ApiPropertyOptional({ enum: [',', ';'], description: '; writes decimal commas' })
  @IsIn([',', ';'], { message: 'must be , or ;' })
  @IsOptional()
  separador?: Separador;
}

class FiltroDto extends FormatoDto {
  @ApiPropertyOptional()
  @Matches(NUMERO_SERIE_PATTERN, { message: `must match ${NUMERO_SERIE_PATTERN.source}` })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  @IsString({ message: 'must be a string' })
  @IsOptional()
  numeroSerie?: string;

  /** Inclusive lower bound on estampaTiempo. */
  @OptionalInstant()
  desde?: Date;

  /** Exclusive upper bound on estampaTiempo. */
  @OptionalInstant()
  hasta?: Date;
}

/** `GET /api/facturacion/variables/{nombre}/lecturas` */
export class ConsultaLecturasFacturadasDto extends FiltroDto {
  /** Page size (JSON, default 1000, at most 10000) or row cap (CSV, default all). */
  @OptionalInt(LIMITE_CSV)
  limite?: number;

  /** The `siguiente` of the previous page. */
  @OptionalPageCursor()
  despuesDe?: string;
}

/** `GET /api/facturacion/variables/{nombre}/resumen` */
export class ConsultaResumenDto extends FiltroDto {
  @ApiPropertyOptional({ enum: ['hora', 'dia', 'semana', 'mes'] })
  @IsIn(['hora', 'dia', 'semana', 'mes'], { message: 'must be hora, dia, semana or mes' })
  @IsOptional()
  intervalo?: Intervalo;

  /** IANA time zone the buckets are aligned in, e.g. America/Bogota. */
  @ApiPropertyOptional({ example: 'America/Bogota' })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  @IsString({ message: 'must be a string' })
  @IsOptional()
  zona?: string;

  /** One row per bucket and device. */
  @ApiPropertyOptional()
  @IsBoolean({ message: 'must be true or false' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  porDispositivo?: boolean;
}

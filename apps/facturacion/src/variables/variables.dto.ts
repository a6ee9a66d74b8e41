import {
  ESTAMPA_TIEMPO_FORMATO,
  IDENTIFIER_PATTERN,
  NUMERO_SERIE_PATTERN,
  parseEstampaTiempo,
} from '@iot/contracts';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import type { Separador } from './csv';
import type { Intervalo } from './variables.repository';

const aFecha = ({ value }: { value: unknown }): unknown => parseEstampaTiempo(value) ?? value;

/** Rows a CSV export may hold; JSON pages are smaller (LIMITE_JSON). */
export const LIMITE_CSV = 10_000_000;
export const LIMITE_JSON = 10_000;

export class VariableParams {
  @Matches(IDENTIFIER_PATTERN, { message: `must match ${IDENTIFIER_PATTERN.source}` })
  @MaxLength(63, { message: 'must be at most 63 characters' })
  @IsString({ message: 'must be a string' })
  nombre!: string;
}

/** `formato=csv` (or `Accept: text/csv`) and the CSV separator. */
class FormatoDto {
  @IsIn(['json', 'csv'], { message: 'must be json or csv' })
  @IsOptional()
  formato?: 'json' | 'csv';

  @IsIn([',', ';'], { message: 'must be , or ;' })
  @IsOptional()
  separador?: Separador;
}

class FiltroDto extends FormatoDto {
  @Matches(NUMERO_SERIE_PATTERN, { message: `must match ${NUMERO_SERIE_PATTERN.source}` })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  @IsString({ message: 'must be a string' })
  @IsOptional()
  numeroSerie?: string;

  /** Inclusive lower bound on estampaTiempo. */
  @IsDate({ message: ESTAMPA_TIEMPO_FORMATO })
  @IsOptional()
  @Transform(aFecha)
  desde?: Date;

  /** Exclusive upper bound on estampaTiempo. */
  @IsDate({ message: ESTAMPA_TIEMPO_FORMATO })
  @IsOptional()
  @Transform(aFecha)
  hasta?: Date;
}

/** `GET /api/facturacion/variables/{nombre}/lecturas` */
export class ConsultaLecturasFacturadasDto extends FiltroDto {
  /** Page size (JSON, default 1000, at most 10000) or row cap (CSV, default all). */
  @Max(LIMITE_CSV, { message: `must be at most ${LIMITE_CSV}` })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be an integer' })
  @IsOptional()
  @Type(() => Number)
  limite?: number;

  /** The `siguiente` of the previous page. */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be the siguiente value of a previous page' })
  @IsOptional()
  despuesDe?: string;
}

/** `GET /api/facturacion/variables/{nombre}/resumen` */
export class ConsultaResumenDto extends FiltroDto {
  @IsIn(['hora', 'dia', 'semana', 'mes'], { message: 'must be hora, dia, semana or mes' })
  @IsOptional()
  intervalo?: Intervalo;

  /** IANA time zone the buckets are aligned in, e.g. America/Bogota. */
  @MaxLength(64, { message: 'must be at most 64 characters' })
  @IsString({ message: 'must be a string' })
  @IsOptional()
  zona?: string;

  /** One row per bucket and device. */
  @IsBoolean({ message: 'must be true or false' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  porDispositivo?: boolean;
}

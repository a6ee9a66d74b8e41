import { IDENTIFIER_PATTERN, NUMERO_SERIE_PATTERN } from '@iot/contracts';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsDefined, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ESTAMPA_TIEMPO_FORMATO, parseEstampaTiempo } from '@iot/contracts';

const aFecha = ({ value }: { value: unknown }): unknown => parseEstampaTiempo(value) ?? value;

export const LIMITE_MAXIMO = 1000;

/** Query of `GET /api/dispositivo/lecturas`; rules run bottom-up per field. */
export class ConsultaLecturasDto {
  @Matches(NUMERO_SERIE_PATTERN, { message: `must match ${NUMERO_SERIE_PATTERN.source}` })
  @IsString({ message: 'must be a string' })
  @IsDefined({ message: 'is required' })
  numeroSerie!: string;

  @Matches(IDENTIFIER_PATTERN, {
    message: `must match ${IDENTIFIER_PATTERN.source} after lower-casing`,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  nombreVariable?: string;

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

  @Max(LIMITE_MAXIMO, { message: `must be at most ${LIMITE_MAXIMO}` })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be an integer' })
  @IsOptional()
  @Type(() => Number)
  limite?: number;

  /** The `siguiente` cursor of the previous page. */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be the siguiente value of a previous page' })
  @IsOptional()
  despuesDe?: string;
}

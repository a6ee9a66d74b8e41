import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IDENTIFIER_PATTERN, NUMERO_SERIE_MAX_LENGTH, NUMERO_SERIE_PATTERN } from '@iot/contracts';
import { OptionalInstant, OptionalInt } from '@iot/http';
import { Transform } from 'class-transformer';
import { IsDefined, IsString, Matches, MaxLength } from 'class-validator';

/** The most points a plot asks for (a 4K screen's columns, twice). */
export const PUNTOS_MAXIMO = 8000;

/** Query of `GET /api/dispositivo/grafica`; rules run bottom-up per field. */
export class ConsultaGraficaDto {
  @ApiProperty()
  @MaxLength(NUMERO_SERIE_MAX_LENGTH, {
    message: `must be at most ${NUMERO_SERIE_MAX_LENGTH} characters`,
  })
  @Matches(NUMERO_SERIE_PATTERN, { message: `must match ${NUMERO_SERIE_PATTERN.source}` })
  @IsString({ message: 'must be a string' })
  @IsDefined({ message: 'is required' })
  numeroSerie!: string;

  @ApiProperty()
  @Matches(IDENTIFIER_PATTERN, {
    message: `must match ${IDENTIFIER_PATTERN.source} after lower-casing`,
  })
  @IsString({ message: 'must be a string' })
  @IsDefined({ message: 'is required' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  nombreVariable!: string;

  /** Inclusive; default: 24 hours before `hasta`. */
  @OptionalInstant()
  desde?: Date;

  /** Exclusive; default: now. */
  @OptionalInstant()
  hasta?: Date;

  /** The point budget (nulls marking gaps included); default 1000. */
  @OptionalInt(PUNTOS_MAXIMO, 4)
  puntos?: number;
}

/** One device and what it has sent: `GET /api/dispositivo/dispositivos/:numeroSerie`. */
export class DispositivoParams {
  @ApiProperty()
  @MaxLength(NUMERO_SERIE_MAX_LENGTH, {
    message: `must be at most ${NUMERO_SERIE_MAX_LENGTH} characters`,
  })
  @Matches(NUMERO_SERIE_PATTERN, { message: `must match ${NUMERO_SERIE_PATTERN.source}` })
  @IsString({ message: 'must be a string' })
  numeroSerie!: string;
}

/** `GET /api/dispositivo/dispositivos?prefijo=`: serials starting with it. */
export class BusquedaDispositivosDto {
  @ApiPropertyOptional()
  @Matches(/^[A-Za-z0-9._:-]{0,64}$/, { message: 'must be the start of a serial' })
  @IsString({ message: 'must be a string' })
  @Transform(({ value }: { value: unknown }) => value ?? '')
  prefijo: string = '';

  @OptionalInt(100)
  limite?: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IDENTIFIER_PATTERN, NUMERO_SERIE_PATTERN } from '@iot/contracts';
import { OptionalInstant, OptionalInt, OptionalPageCursor } from '@iot/http';
import { Transform } from 'class-transformer';
import { IsDefined, IsOptional, IsString, Matches } from 'class-validator';

const LIMITE_MAXIMO = 1000;

/** Query of `GET /api/dispositivo/lecturas`; rules run bottom-up per field. */
export class ConsultaLecturasDto {
  @ApiProperty()
  @Matches(NUMERO_SERIE_PATTERN, { message: `must match ${NUMERO_SERIE_PATTERN.source}` })
  @IsString({ message: 'must be a string' })
  @IsDefined({ message: 'is required' })
  numeroSerie!: string;

  @ApiPropertyOptional()
  @Matches(IDENTIFIER_PATTERN, {
    message: `must match ${IDENTIFIER_PATTERN.source} after lower-casing`,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  nombreVariable?: string;

  /** Inclusive lower bound on estampaTiempo. */
  @OptionalInstant()
  desde?: Date;

  /** Exclusive upper bound on estampaTiempo. */
  @OptionalInstant()
  hasta?: Date;

  @OptionalInt(LIMITE_MAXIMO)
  limite?: number;

  /** The `siguiente` cursor of the previous page. */
  @OptionalPageCursor()
  despuesDe?: string;
}

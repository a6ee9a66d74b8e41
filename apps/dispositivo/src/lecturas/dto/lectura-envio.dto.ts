import {
  NOMBRE_VARIABLE_PATTERN,
  NUMERO_SERIE_MAX_LENGTH,
  NUMERO_SERIE_PATTERN,
} from '@iot/contracts';
import { Transform } from 'class-transformer';
import { IsDate, IsDefined, IsNumber, IsString, Matches, MaxLength } from 'class-validator';
import { ESTAMPA_TIEMPO_FORMATO, parseEstampaTiempo } from '../estampa-tiempo';
import { parseValorVariable } from '../lectura';

const REQUIRED = { message: 'is required' };
const STRING = { message: 'must be a string' };

/**
 * One reading as devices send it. Transforms normalise what is parseable
 * (lower-case variable, Date, number) and leave anything else untouched so the
 * rules below can name the field and the reason. class-validator runs a
 * field's rules bottom-up and reports the first that fails (IsDefined first).
 */
export class LecturaEnvioDto {
  @IsDefined(REQUIRED)
  @Matches(NOMBRE_VARIABLE_PATTERN, {
    message: `must match ${NOMBRE_VARIABLE_PATTERN.source} after lower-casing`,
  })
  @MaxLength(63, { message: 'must be at most 63 characters' })
  @IsString(STRING)
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  nombreVariable!: string;

  @IsDefined(REQUIRED)
  @Matches(NUMERO_SERIE_PATTERN, {
    message: `must match ${NUMERO_SERIE_PATTERN.source} (letters, digits, . _ : -)`,
  })
  @MaxLength(NUMERO_SERIE_MAX_LENGTH, {
    message: `must be at most ${NUMERO_SERIE_MAX_LENGTH} characters`,
  })
  @IsString(STRING)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  numeroSerie!: string;

  @IsDefined(REQUIRED)
  @IsDate({ message: ESTAMPA_TIEMPO_FORMATO })
  @Transform(({ value }: { value: unknown }) => parseEstampaTiempo(value) ?? value)
  estampaTiempo!: Date;

  @IsDefined(REQUIRED)
  @IsNumber({}, { message: 'must be a finite number (JSON number or numeric string)' })
  @Transform(({ value }: { value: unknown }) => parseValorVariable(value) ?? value)
  valorVariable!: number;
}

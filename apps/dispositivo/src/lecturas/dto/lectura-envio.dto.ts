import { ApiProperty } from '@nestjs/swagger';
import {
  IDENTIFIER_PATTERN,
  LecturaValidada,
  NUMERO_SERIE_MAX_LENGTH,
  NUMERO_SERIE_PATTERN,
} from '@iot/contracts';
import { Transform } from 'class-transformer';
import {
  IsDate,
  IsDefined,
  IsNumber,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  ESTAMPA_TIEMPO_FORMATO,
  parseEstampaTiempo,
  VALOR_VARIABLE_MAX_ABS,
  VALOR_VARIABLE_RANGO,
  valorEnRango,
} from '@iot/contracts';
import { parseValorVariable } from '../lectura';

const REQUIRED = { message: 'is required' };
const STRING = { message: 'must be a string' };

/**
 * One reading as devices send it. Transforms normalise what is parseable
 * (lower-case variable, Date, number) and leave anything else untouched so the
 * rules below can name the field and the reason. class-validator runs a
 * field's rules bottom-up and reports the first that fails (IsDefined first).
 */
export class LecturaEnvioDto implements LecturaValidada {
  /** The validation pipe's fast path for well-formed input (see `lecturaValidaRapida`). */
  static fastValidate(value: unknown): LecturaEnvioDto | undefined {
    return lecturaValidaRapida(value);
  }

  @ApiProperty({ example: 'voltaje', description: 'lower-cased; letters, digits, _' })
  @IsDefined(REQUIRED)
  @Matches(IDENTIFIER_PATTERN, {
    message: `must match ${IDENTIFIER_PATTERN.source} after lower-casing`,
  })
  @MaxLength(63, { message: 'must be at most 63 characters' })
  @IsString(STRING)
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  nombreVariable!: string;

  @ApiProperty({ example: 'ABC123', maxLength: NUMERO_SERIE_MAX_LENGTH })
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

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'integer' }],
    example: '2025-01-31T12:00:00Z',
    description: ESTAMPA_TIEMPO_FORMATO,
  })
  @IsDefined(REQUIRED)
  @IsDate({ message: ESTAMPA_TIEMPO_FORMATO })
  @Transform(({ value }: { value: unknown }) => parseEstampaTiempo(value) ?? value)
  estampaTiempo!: Date;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 220.5,
    minimum: -VALOR_VARIABLE_MAX_ABS,
    maximum: VALOR_VARIABLE_MAX_ABS,
  })
  @IsDefined(REQUIRED)
  @Max(VALOR_VARIABLE_MAX_ABS, { message: VALOR_VARIABLE_RANGO })
  @Min(-VALOR_VARIABLE_MAX_ABS, { message: VALOR_VARIABLE_RANGO })
  @IsNumber({}, { message: 'must be a finite number (JSON number or numeric string)' })
  @Transform(({ value }: { value: unknown }) => parseValorVariable(value) ?? value)
  valorVariable!: number;
}

/**
 * The same rules as the decorators above, as straight-line code: returns the
 * normalised reading when the input certainly passes them, otherwise
 * undefined, and the caller runs class-validator to name what is wrong. The
 * decorators stay the single source of the error messages; a parity spec
 * holds both to the same verdicts. Costs ~1 µs instead of ~15 µs per reading.
 */
export function lecturaValidaRapida(raw: unknown): LecturaEnvioDto | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.nombreVariable !== 'string' || typeof r.numeroSerie !== 'string') return undefined;
  const nombreVariable = r.nombreVariable.trim().toLowerCase();
  const numeroSerie = r.numeroSerie.trim();
  if (!IDENTIFIER_PATTERN.test(nombreVariable)) return undefined;
  if (numeroSerie.length > NUMERO_SERIE_MAX_LENGTH || !NUMERO_SERIE_PATTERN.test(numeroSerie)) {
    return undefined;
  }
  const estampaTiempo = parseEstampaTiempo(r.estampaTiempo);
  const valorVariable = parseValorVariable(r.valorVariable);
  if (estampaTiempo === undefined || valorVariable === undefined) return undefined;
  if (!valorEnRango(valorVariable)) return undefined;
  return { nombreVariable, numeroSerie, estampaTiempo, valorVariable };
}

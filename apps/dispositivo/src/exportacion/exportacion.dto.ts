import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXPORT_MAX_ROWS, IDENTIFIER_PATTERN } from '@iot/contracts';
import { OptionalInt, OptionalPageCursor } from '@iot/http';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

/** `GET /api/dispositivo/exportacion`: facturacion's pull. */
export class ConsultaExportacionDto {
  /** Comma-separated variable names. */
  @Matches(IDENTIFIER_PATTERN, {
    each: true,
    message: `each must match ${IDENTIFIER_PATTERN.source}`,
  })
  @ArrayMaxSize(50, { message: 'at most 50 variables' })
  @ArrayMinSize(1, { message: 'at least one variable' })
  @IsArray({ message: 'must be a comma-separated list of variable names' })
  @IsDefined({ message: 'is required' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim().toLowerCase())
          .filter(Boolean)
      : value,
  )
  variables!: string[];

  /** The `siguiente` of the previous export; absent = from the start. */
  @OptionalPageCursor('export')
  despuesDe?: string;

  @OptionalInt(EXPORT_MAX_ROWS)
  limite?: number;

  /**
   * Who is pulling (facturacion sends `facturacion`): dispositivo records
   * `despuesDe` as how far it has got, and retention keeps every reading of
   * these variables after it.
   */
  @Matches(IDENTIFIER_PATTERN, { message: `must match ${IDENTIFIER_PATTERN.source}` })
  @ValidateIf((o: ConsultaExportacionDto) => o.consumidor !== undefined)
  consumidor?: string;
}

/** `POST /api/dispositivo/solicitud`: the original contract. */
export class SolicitudDto {
  @ApiProperty({ example: 'voltaje' })
  @Matches(IDENTIFIER_PATTERN, {
    message: `must match ${IDENTIFIER_PATTERN.source} after lower-casing`,
  })
  @IsString({ message: 'must be a string' })
  @IsDefined({ message: 'is required' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  nombreVariable!: string;

  /** Last id already received; null (or absent) = everything. */
  @ApiPropertyOptional({ type: 'integer', nullable: true })
  @Max(Number.MAX_SAFE_INTEGER, { message: `must be at most ${Number.MAX_SAFE_INTEGER}` })
  @Min(0, { message: 'must be at least 0' })
  @IsInt({ message: 'must be an integer or null' })
  @ValidateIf(
    (o: SolicitudDto) =>
      o.findUltimoIdDispositivo !== null && o.findUltimoIdDispositivo !== undefined,
  )
  findUltimoIdDispositivo?: number | null;
}

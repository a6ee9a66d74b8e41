import { RequiredInstant } from '@iot/http';
import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType } from '@nestjs/swagger';
import {
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { CALENDARIO, NOMBRE_CALENDARIO } from '../calendarios/calendarios.dto';
import { SerieParams } from '../energia/energia.dto';
import { FECHA, ID, IdParams, NOMBRE } from '../formatos';

export class CuentaBody {
  @ApiProperty({ example: 'Panadería La Espiga' })
  @Matches(NOMBRE, { message: 'must be printable text, not blank' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  @MinLength(1, { message: 'must not be empty' })
  @IsString({ message: 'must be a string' })
  nombre!: string;

  @ApiPropertyOptional({
    example: 'America/Bogota',
    description: 'IANA zone; DEFAULT_TIME_ZONE if absent',
  })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  @IsString({ message: 'must be a string' })
  @IsOptional()
  zona?: string;

  @ApiProperty({ example: 'COP', description: 'ISO 4217 code' })
  @MaxLength(3, { message: 'must be an ISO 4217 currency code, e.g. COP, EUR, USD' })
  @IsString({ message: 'must be a string' })
  moneda!: string;

  @ApiPropertyOptional({
    description:
      'day of the month a billing cycle starts (1-28); null or absent: the calendar month',
    nullable: true,
  })
  @Max(28, { message: 'must be at most 28' })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be an integer' })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  diaCiclo?: number | null;

  @ApiPropertyOptional({
    example: 'CO',
    description: 'holiday calendar its tariff prices holidays from; null or absent: none',
    nullable: true,
  })
  @Matches(CALENDARIO, { message: NOMBRE_CALENDARIO })
  @IsString({ message: 'must be a string' })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  calendario?: string | null;
}

/** A partial change: the fields given replace the account's (null keeps nombre, zona, moneda). */
export class CuentaPatch extends PartialType(CuentaBody) {}

export class AsignacionParams extends IntersectionType(IdParams, SerieParams) {}

export class AsignarBody {
  /** From this instant the device's energy bills to this account (local midnight with its offset, typically). */
  @RequiredInstant()
  desde!: Date;
}

export class RetirarQuery {
  /** The device leaves the account at this instant. */
  @RequiredInstant()
  hasta!: Date;
}

export class AsignarTarifaBody {
  @ApiProperty({ example: '1' })
  @Matches(ID, { message: 'must be a tariff id (a positive integer)' })
  @IsString({ message: 'must be a string' })
  tarifaId!: string;

  @ApiProperty({
    example: '2026-03-01',
    description: 'local date the tariff prices the account from',
  })
  @Matches(FECHA, { message: 'must be a date, YYYY-MM-DD, from 1900' })
  @IsString({ message: 'must be a string' })
  desde!: string;
}

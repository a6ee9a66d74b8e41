import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { FECHA, ID, NOMBRE } from '../formatos';
import type { VersionTarifa } from './tarifa';
import type { RegistroUrdb } from './urdb';

export class VersionBody {
  @ApiProperty({ example: '2026-01-01', description: 'local date the version is in force from' })
  @Matches(FECHA, { message: 'must be a date, YYYY-MM-DD, from 1900' })
  @IsString({ message: 'must be a string' })
  desde!: string;

  @ApiProperty({ description: 'the tariff version (see docs/billing.md, Pricing rules)' })
  @IsObject({ message: 'must be an object' })
  definicion!: VersionTarifa;
}

export class TarifaBody extends VersionBody {
  @ApiProperty({ example: 'Residencial TOU 2026' })
  @Matches(NOMBRE, { message: 'must be printable text, not blank' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  @MinLength(1, { message: 'must not be empty' })
  @IsString({ message: 'must be a string' })
  nombre!: string;
}

export class UrdbBody {
  @ApiPropertyOptional({ description: "the tariff's name; the record's name if absent" })
  @Matches(NOMBRE, { message: 'must be printable text, not blank' })
  @MaxLength(200, { message: 'must be at most 200 characters' })
  @IsString({ message: 'must be a string' })
  @IsOptional()
  nombre?: string;

  @ApiProperty({ description: 'an OpenEI URDB rate record (see docs/billing.md, URDB)' })
  @IsObject({ message: 'must be an object' })
  registro!: RegistroUrdb;
}

export class UrdbQuery {
  @ApiPropertyOptional({ description: 'the version to export; the latest if absent' })
  @Matches(ID, { message: 'must be a version id' })
  @IsString({ message: 'must be a string' })
  @IsOptional()
  version?: string;
}

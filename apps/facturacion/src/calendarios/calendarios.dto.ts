import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { FECHA, NOMBRE } from '../formatos';

export const CALENDARIO = /^[A-Za-z0-9_-]{1,40}$/;
export const NOMBRE_CALENDARIO = 'must be 1 to 40 letters, digits, _ or -, e.g. CO';

export class CalendarioParams {
  @ApiProperty({ example: 'CO' })
  @Matches(CALENDARIO, { message: NOMBRE_CALENDARIO })
  @IsString({ message: 'must be a string' })
  calendario!: string;
}

export class FestivoParams extends CalendarioParams {
  @ApiProperty({ example: '2026-03-23', description: 'local date' })
  @Matches(FECHA, { message: 'must be a date, YYYY-MM-DD, from 1900' })
  @IsString({ message: 'must be a string' })
  fecha!: string;
}

export class FestivoBody {
  @ApiProperty({ example: 'Día de San José' })
  @Matches(NOMBRE, { message: 'must be printable text, not blank' })
  @MaxLength(80, { message: 'must be at most 80 characters' })
  @MinLength(1, { message: 'must not be empty' })
  @IsString({ message: 'must be a string' })
  nombre!: string;
}

export class FestivosQuery {
  @ApiPropertyOptional({ example: '2026', description: 'only this year' })
  @Matches(/^(19|[2-9]\d)\d{2}$/, { message: 'must be a year, YYYY, from 1900' })
  @IsString({ message: 'must be a string' })
  @IsOptional()
  anio?: string;
}

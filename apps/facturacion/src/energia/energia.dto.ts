import { NUMERO_SERIE_PATTERN } from '@iot/contracts';
import { OptionalInstant, OptionalInt, OptionalPageCursor, RequiredInstant } from '@iot/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { FormatoDto } from '../variables/variables.dto';
import type { Agrupacion, Tipo } from './energia.repository';

const serie = () =>
  Matches(NUMERO_SERIE_PATTERN, { message: `must match ${NUMERO_SERIE_PATTERN.source}` });

export class CatalogoParams {
  @ApiProperty({ example: 'energia_kwh' })
  @Matches(/^[a-z][a-z0-9_]{0,62}$/, { message: 'must match ^[a-z][a-z0-9_]{0,62}$' })
  @IsString({ message: 'must be a string' })
  nombre!: string;
}

export class CatalogoBody {
  @ApiProperty({ enum: ['instantaneo', 'contador'] })
  @IsIn(['instantaneo', 'contador'], { message: 'must be instantaneo or contador' })
  tipo!: Tipo;

  /** contador: kWh or Wh; instantaneo: V, A, kW, W or fp (power factor). */
  @ApiProperty({ enum: ['V', 'A', 'kW', 'W', 'fp', 'kWh', 'Wh'] })
  @IsIn(['V', 'A', 'kW', 'W', 'fp', 'kWh', 'Wh'], {
    message: 'must be one of V, A, kW, W, fp (instantaneo), kWh, Wh (contador)',
  })
  unidad!: string;
}

export class SerieParams {
  @ApiProperty({ example: 'ABC123' })
  @serie()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  @IsString({ message: 'must be a string' })
  numeroSerie!: string;
}

export class MedicionBody {
  @ApiPropertyOptional({
    description: 'power factor used where no factor_potencia reading is',
    nullable: true,
  })
  @Max(1, { message: 'must be at most 1' })
  @Min(0.001, { message: 'must be more than 0' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  factorPotencia?: number | null;

  @ApiPropertyOptional({
    description: 'nominal voltage (V); ±10 % is the accepted band',
    nullable: true,
  })
  @Max(1_000_000, { message: 'must be at most 1000000' })
  @Min(1, { message: 'must be at least 1' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number' })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  tensionNominal?: number | null;
}

class PeriodoDto extends FormatoDto {
  @ApiProperty({ example: 'ABC123' })
  @serie()
  @MaxLength(64, { message: 'must be at most 64 characters' })
  @IsString({ message: 'is required' })
  numeroSerie!: string;

  @RequiredInstant()
  desde!: Date;

  @RequiredInstant()
  hasta!: Date;

  @ApiPropertyOptional({ example: 'America/Santiago' })
  @MaxLength(64, { message: 'must be at most 64 characters' })
  @IsString({ message: 'must be a string' })
  @IsOptional()
  zona?: string;
}

/** `GET /api/facturacion/energia` */
export class ConsultaEnergiaDto extends PeriodoDto {
  @ApiPropertyOptional({ enum: ['15m', 'hora', 'dia', 'mes'] })
  @IsIn(['15m', 'hora', 'dia', 'mes'], { message: 'must be 15m, hora, dia or mes' })
  @IsOptional()
  intervalo?: Agrupacion;
}

/** `GET /api/facturacion/calidad` */
export class ConsultaCalidadDto extends PeriodoDto {}

/** `GET /api/facturacion/energia/cambios` */
export class ConsultaCambiosDto {
  /** Intervals computed after this instant. */
  @OptionalInstant()
  desde?: Date;

  @OptionalInt(10_000)
  limite?: number;

  @OptionalPageCursor()
  despuesDe?: string;
}

import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class ConsultaSincronizacionesDto {
  @Max(1000, { message: 'must be at most 1000' })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be an integer' })
  @IsOptional()
  @Type(() => Number)
  limite?: number;
}

export class SincronizacionParams {
  @Max(Number.MAX_SAFE_INTEGER, { message: `must be at most ${Number.MAX_SAFE_INTEGER}` })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be an integer' })
  @Type(() => Number)
  id!: number;
}

import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class ConsultaRechazadasDto {
  @Max(1000, { message: 'must be at most 1000' })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be an integer' })
  @IsOptional()
  @Type(() => Number)
  limite?: number;

  /** The `siguiente` of the previous page (an id): older dead letters. */
  @Max(Number.MAX_SAFE_INTEGER, { message: `must be at most ${Number.MAX_SAFE_INTEGER}` })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be an integer' })
  @IsOptional()
  @Type(() => Number)
  antesDe?: number;
}

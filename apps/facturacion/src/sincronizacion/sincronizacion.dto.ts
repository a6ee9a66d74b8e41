import { ApiProperty } from '@nestjs/swagger';
import { OptionalInt } from '@iot/http';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class ConsultaSincronizacionesDto {
  @OptionalInt(1000)
  limite?: number;
}

export class SincronizacionParams {
  @ApiProperty({ type: 'integer' })
  @Max(Number.MAX_SAFE_INTEGER, { message: `must be at most ${Number.MAX_SAFE_INTEGER}` })
  @Min(1, { message: 'must be at least 1' })
  @IsInt({ message: 'must be an integer' })
  @Type(() => Number)
  id!: number;
}

import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AlmacenService, Mantenimiento } from './almacen.service';

@ApiTags('almacen')
@Controller('api/dispositivo/almacen')
export class AlmacenController {
  constructor(private readonly almacen: AlmacenService) {}

  /** Runs the store's upkeep now (it also runs on a timer) and says what it did. */
  @Post('mantenimiento')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Store upkeep now: partitions created ahead and adopted, retention (admin; also runs hourly)',
  })
  mantener(): Promise<Mantenimiento> {
    return this.almacen.mantener();
  }
}

import { Module } from '@nestjs/common';
import { CalendariosController } from './calendarios.controller';
import { CalendariosRepository } from './calendarios.repository';
import { CalendariosService } from './calendarios.service';

/** Holiday calendars, which accounts name and tariffs price. */
@Module({
  controllers: [CalendariosController],
  providers: [CalendariosRepository, CalendariosService],
  exports: [CalendariosRepository],
})
export class CalendariosModule {}

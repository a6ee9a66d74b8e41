import { DynamicModule, Module } from '@nestjs/common';
import { RechazadasModule } from '../rechazadas/rechazadas.module';
import { LecturaWriter, WRITER_CONFIG, WriterConfig } from './lectura-writer';
import { LecturasController } from './lecturas.controller';
import { LecturasRepository } from './lecturas.repository';
import { LecturasService } from './lecturas.service';

@Module({})
export class LecturasModule {
  static forRoot(writer: WriterConfig): DynamicModule {
    return {
      module: LecturasModule,
      imports: [RechazadasModule],
      controllers: [LecturasController],
      providers: [
        LecturasRepository,
        LecturasService,
        LecturaWriter,
        { provide: WRITER_CONFIG, useValue: writer },
      ],
      exports: [LecturasService],
    };
  }
}

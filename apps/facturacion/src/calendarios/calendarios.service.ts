import { DomainError } from '@iot/common';
import { inTransaction } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { auditar } from '../auditoria/auditoria.repository';
import { fechaValida } from '../formatos';
import { CalendariosRepository, Festivo } from './calendarios.repository';

export interface VistaCalendario {
  calendario: string;
  festivos: Festivo[];
}

/**
 * Holiday calendars that accounts name. A change reaches drafts (the
 * statements job rebuilds those whose calendar changed after them), never
 * a final statement: its lines are stored as they were priced.
 */
@Injectable()
export class CalendariosService {
  constructor(
    private readonly repository: CalendariosRepository,
    @Inject(Pool) private readonly pool: Pool,
  ) {}

  async guardar(
    calendario: string,
    fecha: string,
    nombre: string,
    clave: string,
  ): Promise<Festivo> {
    const festivo = { fecha: fechaValida(fecha, 'fecha'), nombre: nombre.trim() };
    await inTransaction(this.pool, async (tx) => {
      const antes = await this.repository.upsertFestivo(tx, calendario, festivo);
      await auditar(tx, {
        clave,
        entidad: 'calendario',
        entidadId: calendario,
        accion: antes ? 'renombrar_festivo' : 'agregar_festivo',
        antes,
        despues: festivo,
      });
    });
    return festivo;
  }

  async quitar(calendario: string, fecha: string, clave: string): Promise<Festivo> {
    return inTransaction(this.pool, async (tx) => {
      const antes = await this.repository.deleteFestivo(tx, calendario, fecha);
      if (!antes) {
        throw new DomainError('not_found', `no holiday on ${fecha} in calendar ${calendario}`, {
          calendario,
          fecha,
        });
      }
      await auditar(tx, {
        clave,
        entidad: 'calendario',
        entidadId: calendario,
        accion: 'quitar_festivo',
        antes,
      });
      return antes;
    });
  }

  async ver(calendario: string, anio?: string): Promise<VistaCalendario> {
    const festivos = await this.repository.findFestivos(
      calendario,
      anio ? `${anio}-01-01` : '0001-01-01',
      anio ? `${anio}-12-31` : '9999-12-31',
    );
    if (!festivos) {
      throw new DomainError('not_found', `no calendar ${calendario}`, { calendario });
    }
    return { calendario, festivos };
  }
}

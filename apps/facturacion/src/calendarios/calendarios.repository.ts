import { Queryable } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';

export interface Festivo {
  fecha: string;
  nombre: string;
}

/** Holiday calendars. Writes take the caller's transaction and mark the calendar changed. */
@Injectable()
export class CalendariosRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /** Adds or renames a holiday (creating its calendar); the holiday as it was, if it was. */
  async upsertFestivo(q: Queryable, calendario: string, f: Festivo): Promise<Festivo | undefined> {
    await this.marcarCambiado(q, calendario);
    const { rows } = await q.query<Festivo>(
      `SELECT to_char(fecha, 'YYYY-MM-DD') AS fecha, nombre FROM festivo
       WHERE calendario = $1 AND fecha = $2 FOR UPDATE`,
      [calendario, f.fecha],
    );
    await q.query(
      `INSERT INTO festivo (calendario, fecha, nombre) VALUES ($1, $2, $3)
       ON CONFLICT (calendario, fecha) DO UPDATE SET nombre = $3`,
      [calendario, f.fecha, f.nombre],
    );
    return rows[0];
  }

  /** Removes a holiday; the holiday it was, or undefined if there was none. */
  async deleteFestivo(
    q: Queryable,
    calendario: string,
    fecha: string,
  ): Promise<Festivo | undefined> {
    const { rows } = await q.query<Festivo>(
      `DELETE FROM festivo WHERE calendario = $1 AND fecha = $2
       RETURNING to_char(fecha, 'YYYY-MM-DD') AS fecha, nombre`,
      [calendario, fecha],
    );
    if (rows.length > 0) await this.marcarCambiado(q, calendario);
    return rows[0];
  }

  private async marcarCambiado(q: Queryable, calendario: string): Promise<void> {
    await q.query(
      `INSERT INTO calendario (nombre) VALUES ($1)
       ON CONFLICT (nombre) DO UPDATE SET cambiado_en = clock_timestamp()`,
      [calendario],
    );
  }

  /** A calendar's holidays of local dates [desde, hasta], by date; undefined if there is no such calendar. */
  async findFestivos(
    calendario: string,
    desde: string,
    hasta: string,
  ): Promise<Festivo[] | undefined> {
    const { rows } = await this.pool.query<Festivo & { existe: boolean }>(
      `SELECT to_char(f.fecha, 'YYYY-MM-DD') AS fecha, f.nombre
       FROM calendario c LEFT JOIN festivo f
         ON f.calendario = c.nombre AND f.fecha BETWEEN $2 AND $3
       WHERE c.nombre = $1 ORDER BY f.fecha`,
      [calendario, desde, hasta],
    );
    if (rows.length === 0) return undefined;
    return rows.filter((r) => r.fecha !== null);
  }

  async exists(calendario: string, q: Queryable = this.pool): Promise<boolean> {
    const { rows } = await q.query(`SELECT 1 FROM calendario WHERE nombre = $1`, [calendario]);
    return rows.length > 0;
  }
}

import { copyOut } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { escapeLiteral, Pool } from 'pg';
import { COLUMNAS_CONSUMO, sumarPorHora } from './consumo-binario';
import { ConsumoHorario, CUARTO_MS, HorasLocales, horasLocales } from './consumo-horario';

/**
 * What statements read of the metering store: energy per local hour, the
 * local hours of a span, and whether energy changed since an instant.
 */
@Injectable()
export class ConsumoRepository {
  private readonly horas = new Map<string, HorasLocales>();

  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /**
   * One device's intervals in [desde, hasta), added up per local hour of
   * `zona`, unit and interval length (see ConsumoHorario), by hour: read raw
   * by binary COPY and added up exactly here (PostgreSQL's GROUP BY per
   * local hour cost 3x the read).
   */
  async findConsumoHorario(
    numeroSerie: string,
    desde: Date,
    hasta: Date,
    zona: string,
  ): Promise<ConsumoHorario[]> {
    const horas = await this.findHorasLocales(desde.getTime(), hasta.getTime(), zona);
    const b = await copyOut(
      this.pool,
      `SELECT ${COLUMNAS_CONSUMO} FROM energia_intervalo
       WHERE numero_serie = ${escapeLiteral(numeroSerie)}
         AND inicio >= ${escapeLiteral(desde.toISOString())} AND inicio < ${escapeLiteral(hasta.toISOString())}`,
    );
    return sumarPorHora(b, horas);
  }

  /** The local hour of each quarter-hour of [desde, hasta) in `zona` (cached: every account of a zone shares a period's). */
  async findHorasLocales(desde: number, hasta: number, zona: string): Promise<HorasLocales> {
    const base = Math.floor(desde / CUARTO_MS) * CUARTO_MS;
    const clave = `${zona}|${base}|${hasta}`;
    const hecho = this.horas.get(clave);
    if (hecho) return hecho;
    const { rows } = await this.pool.query<{ e: string }>(
      `SELECT to_char(t AT TIME ZONE $3, 'YYYY-MM-DD HH24') AS e
       FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 microsecond',
                            interval '15 minutes') t
       ORDER BY t`,
      [new Date(base), new Date(hasta), zona],
    );
    const h = horasLocales(
      base,
      rows.map((r) => r.e),
    );
    if (this.horas.size >= 64) this.horas.clear();
    this.horas.set(clave, h);
    return h;
  }

  /**
   * For each span (devices, [desde, hasta), an instant), whether any of
   * those devices' intervals in it was (re)computed after the instant: one
   * query for all. By UTC day (energia_dia): the days at the edges may say
   * yes for a change just outside the span; the caller then prices again
   * and finds no difference.
   */
  async findCambiados(
    spans: Array<{ series: string[]; desde: Date; hasta: Date; despuesDe: Date }>,
  ): Promise<boolean[]> {
    if (spans.length === 0) return [];
    const { rows } = await this.pool.query<{ i: number }>(
      `SELECT s.i FROM jsonb_to_recordset($1::jsonb)
         AS s(i int, series text[], desde timestamptz, hasta timestamptz, "despuesDe" timestamptz)
       WHERE EXISTS (
         SELECT 1 FROM energia_dia d
         WHERE d.numero_serie = ANY(s.series) AND d.dia >= (s.desde AT TIME ZONE 'UTC')::date
           AND d.dia <= (s.hasta AT TIME ZONE 'UTC')::date AND d.calculado_en > s."despuesDe")`,
      [JSON.stringify(spans.map((x, i) => ({ ...x, i })))],
    );
    const cambiados = spans.map(() => false);
    for (const r of rows) cambiados[r.i] = true;
    return cambiados;
  }
}

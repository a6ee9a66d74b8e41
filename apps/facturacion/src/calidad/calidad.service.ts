import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { ENERGIA_CONFIG, EnergiaConfig } from '../energia/energia.config';
import { EnergiaRepository } from '../energia/energia.repository';
import { Roles, rolesDe } from '../energia/energia.service';
import type { Muestra } from '../energia/integracion';
import { UsoService } from '../energia/uso.service';
import { congelados, fueraDeBanda, Hueco, huecos } from './calidad';

export interface CalidadDia {
  dia: string;
  inicio: string;
  fin: string;
  /** Covered share of the day (real data), from the stored intervals. */
  cobertura: string;
  /** Share of the day's energy that is estimated. */
  energiaEstimada: string;
  huecos: Array<{ variable: string; inicio: string; fin: string; minutos: number }>;
  reiniciosContador: Array<{ instante: string; antes: number; despues: number }>;
  congelados: Array<{ variable: string; inicio: string; fin: string; minutos: number }>;
  tensionFueraDeBanda: { lecturas: number; nominal: number };
  lecturasEnElFuturo: number;
}

const MS_DIA_MAX = 92 * 86_400_000;
const iso = (t: number): string => new Date(t).toISOString();
const tramo = (h: Hueco) => ({
  variable: h.variable,
  inicio: iso(h.inicio),
  fin: iso(h.fin),
  minutos: Math.round((h.fin - h.inicio) / 60_000),
});

/** Per device and local day: what makes its energy trustworthy or not. */
@Injectable()
export class CalidadService {
  constructor(
    @Inject(ENERGIA_CONFIG) private readonly config: EnergiaConfig,
    private readonly repository: EnergiaRepository,
    private readonly uso: UsoService,
    @Inject(Pool) private readonly pool: Pool,
  ) {}

  async calidad(q: { numeroSerie: string; desde: Date; hasta: Date; zona?: string }): Promise<{
    numeroSerie: string;
    zona: string;
    dias: CalidadDia[];
  }> {
    const zona = this.uso.zona(q.zona);
    this.uso.periodo(q.desde, q.hasta, 86_400_000);
    if (q.hasta.getTime() - q.desde.getTime() > MS_DIA_MAX) {
      this.uso.periodo(q.desde, q.hasta, MS_DIA_MAX); // names the field
    }
    const roles: Roles = rolesDe(await this.repository.findCatalogo());
    const medicion = await this.repository.findMedicion(q.numeroSerie);
    const nominal = medicion.tensionNominal ?? this.config.tensionNominal;
    const dias = await this.diasLocales(q.desde, q.hasta, zona);
    const out: CalidadDia[] = [];
    const ahora = Date.now() + this.config.relojToleranciaMs;
    const p = this.config.parametros;
    for (const d of dias) {
      const [a, b] = [d.inicio.getTime(), d.fin.getTime()];
      const leer = (v: string | undefined): Promise<Muestra[]> =>
        v ? this.repository.findMuestras(v, q.numeroSerie, a, b) : Promise.resolve([]);
      const contador = await leer(roles.contador?.nombre);
      const potencia = await leer(roles.potencia?.nombre);
      const tension = await leer(roles.tension);
      const corriente = await leer(roles.corriente);
      const [fuente, muestras] = contador.length
        ? [roles.contador!.nombre, contador]
        : potencia.length
          ? [roles.potencia!.nombre, potencia]
          : [roles.tension ?? 'tension', tension];
      const resumen = await this.resumenDia(q.numeroSerie, d.inicio, d.fin);
      const reinicios = roles.contador
        ? await this.reinicios(q.numeroSerie, roles.contador.nombre, d.inicio, d.fin)
        : [];
      const instantaneas: Array<[string | undefined, Muestra[]]> = [
        [roles.potencia?.nombre, potencia],
        [roles.tension, tension],
        [roles.corriente, corriente],
      ];
      out.push({
        dia: d.dia,
        inicio: d.inicio.toISOString(),
        fin: d.fin.toISOString(),
        cobertura: resumen.cobertura,
        energiaEstimada: resumen.estimada,
        huecos: huecos(fuente, muestras, p.maxGapMs).map(tramo),
        reiniciosContador: reinicios,
        congelados: instantaneas.flatMap(([v, m]) =>
          v ? congelados(v, m, this.config.congeladoMs).map(tramo) : [],
        ),
        tensionFueraDeBanda: { lecturas: fueraDeBanda(tension, nominal), nominal },
        lecturasEnElFuturo: [contador, potencia, tension, corriente]
          .flat()
          .filter((m) => m.t > ahora).length,
      });
    }
    return { numeroSerie: q.numeroSerie, zona, dias: out };
  }

  private async diasLocales(
    desde: Date,
    hasta: Date,
    zona: string,
  ): Promise<Array<{ dia: string; inicio: Date; fin: Date }>> {
    const { rows } = await this.pool.query<{ dia: string; inicio: Date; fin: Date }>(
      `SELECT to_char(g, 'YYYY-MM-DD') AS dia, g::timestamp AT TIME ZONE $3 AS inicio,
              (g + interval '1 day')::timestamp AT TIME ZONE $3 AS fin
       FROM generate_series(($1::timestamptz AT TIME ZONE $3)::date,
                            (($2::timestamptz - interval '1 microsecond') AT TIME ZONE $3)::date,
                            interval '1 day') AS g`,
      [desde, hasta, zona],
    );
    return rows;
  }

  private async resumenDia(
    serie: string,
    inicio: Date,
    fin: Date,
  ): Promise<{ cobertura: string; estimada: string }> {
    const { rows } = await this.pool.query<{ cobertura: string; estimada: string }>(
      `SELECT round(coalesce(sum(cobertura), 0) * $4 / extract(epoch FROM $3::timestamptz - $2::timestamptz), 6)::text AS cobertura,
              round(coalesce(sum(energia) FILTER (WHERE calidad = 'estimado') / nullif(sum(energia), 0), 0), 6)::text AS estimada
       FROM energia_intervalo WHERE numero_serie = $1 AND inicio >= $2 AND inicio < $3`,
      [serie, inicio, fin, this.config.parametros.intervaloMs / 1000],
    );
    return rows[0];
  }

  private async reinicios(serie: string, variable: string, inicio: Date, fin: Date) {
    const { rows } = await this.pool.query<{ instante: Date; antes: number; despues: number }>(
      `SELECT instante, antes, despues FROM contador_reinicio
       WHERE numero_serie = $1 AND variable = $2 AND instante >= $3 AND instante < $4 ORDER BY instante`,
      [serie, variable, inicio, fin],
    );
    return rows.map((r) => ({
      instante: r.instante.toISOString(),
      antes: r.antes,
      despues: r.despues,
    }));
  }
}

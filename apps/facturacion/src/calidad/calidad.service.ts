import { Inject, Injectable } from '@nestjs/common';
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
    const dias = await this.repository.findDiasLocales(q.desde, q.hasta, zona);
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
      const resumen = await this.repository.findResumenDia(
        q.numeroSerie,
        d.inicio,
        d.fin,
        this.config.parametros.intervaloMs / 1000,
      );
      const reinicios = roles.contador
        ? await this.repository.findReinicios(q.numeroSerie, roles.contador.nombre, d.inicio, d.fin)
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
}

import { InvalidInputError } from '@iot/common';
import { Inject, Injectable } from '@nestjs/common';
import { ENERGIA_CONFIG, EnergiaConfig } from '../energia/energia.config';
import { EnergiaRepository } from '../energia/energia.repository';
import { Roles, rolesDe } from '../energia/energia.service';
import { Muestra, muestrasDe } from '../energia/integracion';
import { UsoService } from '../energia/uso.service';
import { CsvWriter, decimalCsv, Separador } from '../variables/csv';
import { zonaValida } from '../variables/variables.config';
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
    const zona = zonaValida(q.zona);
    this.uso.periodo(q.desde, q.hasta, 86_400_000);
    if (q.hasta.getTime() - q.desde.getTime() > MS_DIA_MAX) {
      throw new InvalidInputError([{ field: 'hasta', reason: 'at most 92 days per request' }]);
    }
    const roles: Roles = rolesDe(await this.repository.findCatalogo());
    const medicion = await this.repository.findMedicion(q.numeroSerie);
    const nominal = medicion.tensionNominal ?? this.config.tensionNominal;
    const dias = await this.repository.findDiasLocales(q.desde, q.hasta, zona);
    if (dias.length === 0) return { numeroSerie: q.numeroSerie, zona, dias: [] };
    // one read per variable for the whole range, then cut by day
    const [a, b] = [dias[0].inicio.getTime(), dias[dias.length - 1].fin.getTime()];
    const leer = (v: string | undefined): Promise<Muestra[]> =>
      v
        ? this.repository.findMuestras(v, q.numeroSerie, a, b).then(muestrasDe)
        : Promise.resolve([]);
    const todas = {
      contador: await leer(roles.contador?.nombre),
      potencia: await leer(roles.potencia?.nombre),
      tension: await leer(roles.tension),
      corriente: await leer(roles.corriente),
    };
    const reiniciosTodos = roles.contador
      ? await this.repository.findReinicios(
          q.numeroSerie,
          roles.contador.nombre,
          new Date(a),
          new Date(b),
        )
      : [];
    const resumenes = await this.repository.findResumenDias(
      q.numeroSerie,
      dias,
      this.config.parametros.intervaloMs / 1000,
    );
    const out: CalidadDia[] = [];
    const ahora = Date.now() + this.config.relojToleranciaMs;
    const p = this.config.parametros;
    dias.forEach((d, k) => {
      const [i, f] = [d.inicio.getTime(), d.fin.getTime()];
      const delDia = (m: Muestra[]) => m.filter((s) => s.t >= i && s.t < f);
      const contador = delDia(todas.contador);
      const potencia = delDia(todas.potencia);
      const tension = delDia(todas.tension);
      const corriente = delDia(todas.corriente);
      const [fuente, muestras] = contador.length
        ? [roles.contador!.nombre, contador]
        : potencia.length
          ? [roles.potencia!.nombre, potencia]
          : [roles.tension ?? 'tension', tension];
      const instantaneas: Array<[string | undefined, Muestra[]]> = [
        [roles.potencia?.nombre, potencia],
        [roles.tension, tension],
        [roles.corriente, corriente],
      ];
      out.push({
        dia: d.dia,
        inicio: d.inicio.toISOString(),
        fin: d.fin.toISOString(),
        cobertura: resumenes[k].cobertura,
        energiaEstimada: resumenes[k].estimada,
        huecos: huecos(fuente, muestras, p.maxGapMs).map(tramo),
        reiniciosContador: reiniciosTodos
          .filter((r) => r.instante.getTime() >= i && r.instante.getTime() < f)
          .map((r) => ({ instante: r.instante.toISOString(), antes: r.antes, despues: r.despues })),
        congelados: instantaneas.flatMap(([v, m]) =>
          v ? congelados(v, m, this.config.congeladoMs).map(tramo) : [],
        ),
        tensionFueraDeBanda: { lecturas: fueraDeBanda(tension, nominal), nominal },
        lecturasEnElFuturo: [contador, potencia, tension, corriente]
          .flat()
          .filter((m) => m.t > ahora).length,
      });
    });
    return { numeroSerie: q.numeroSerie, zona, dias: out };
  }

  /** One row per day: the shares, and how many of each finding. */
  calidadCsv(dias: CalidadDia[], separador: Separador): string[] {
    const csv = new CsvWriter(separador);
    return [
      csv.row([
        'dia',
        'inicio',
        'fin',
        'cobertura',
        'energiaEstimada',
        'huecos',
        'reiniciosContador',
        'congelados',
        'tensionFueraDeBanda',
        'lecturasEnElFuturo',
      ]),
      ...dias.map((d) =>
        csv.row([
          d.dia,
          d.inicio,
          d.fin,
          decimalCsv(d.cobertura, separador),
          decimalCsv(d.energiaEstimada, separador),
          d.huecos.length,
          d.reiniciosContador.length,
          d.congelados.length,
          d.tensionFueraDeBanda.lecturas,
          d.lecturasEnElFuturo,
        ]),
      ),
    ];
  }
}

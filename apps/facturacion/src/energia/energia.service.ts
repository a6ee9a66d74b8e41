import { createLogger, forEachConcurrently } from '@iot/common';
import { tryAdvisoryLock } from '@iot/database';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { ENERGIA_CONFIG, EnergiaConfig } from './energia.config';
import {
  Calculo,
  diaInicio,
  EnergiaRepository,
  Medicion,
  Pendiente,
  VariableCatalogada,
} from './energia.repository';
import {
  calcularIntervalos,
  DIA_MS,
  estimarPorSemanas,
  Fuentes,
  inicioDelDia,
  Serie,
  SERIE_VACIA,
  unirSeries,
} from './integracion';

/** Another lock key than the sync's: the two jobs run side by side, each alone. */
export const ENERGIA_LOCK_KEY = 7_318_004_212;
const MARCAS_POR_PASADA = 500;
const SEMANA_MS = 7 * DIA_MS;
// 4 devices at once: each reads two variables at a time, 8 of the pool's 10 connections
const DISPOSITIVOS_A_LA_VEZ = 4;
const PROGRESS_EVERY_MS = 10_000;

/** Which billed variable plays which part, from the catalog (the first by name when several). */
export interface Roles {
  contador?: { nombre: string; aKwh: number };
  potencia?: { nombre: string; aKw: number };
  tension?: string;
  corriente?: string;
  factorPotencia?: string;
}

export function rolesDe(catalogo: VariableCatalogada[]): Roles {
  const roles: Roles = {};
  for (const v of catalogo.filter((c) => c.facturada)) {
    if (v.tipo === 'contador')
      roles.contador ??= { nombre: v.nombre, aKwh: v.unidad === 'Wh' ? 0.001 : 1 };
    else if (v.unidad === 'kW' || v.unidad === 'W')
      roles.potencia ??= { nombre: v.nombre, aKw: v.unidad === 'W' ? 0.001 : 1 };
    else if (v.unidad === 'V') roles.tension ??= v.nombre;
    else if (v.unidad === 'A') roles.corriente ??= v.nombre;
    else if (v.unidad === 'fp') roles.factorPotencia ??= v.nombre;
  }
  return roles;
}

const nombres = (r: Roles): string[] =>
  [r.contador?.nombre, r.potencia?.nombre, r.tension, r.corriente, r.factorPotencia].filter(
    (n): n is string => n !== undefined,
  );

/** Merges [lo, hi) windows that touch or overlap. */
export function unirVentanas(ventanas: Array<[number, number]>): Array<[number, number]> {
  const ordenadas = [...ventanas].sort((a, b) => a[0] - b[0]);
  const unidas: Array<[number, number]> = [];
  for (const [lo, hi] of ordenadas) {
    const ultima = unidas.at(-1);
    if (ultima && lo <= ultima[1]) ultima[1] = Math.max(ultima[1], hi);
    else unidas.push([lo, hi]);
  }
  return unidas;
}

/**
 * The energy job: recomputes the (device, day) pairs the sync marked, with
 * the neighbouring days whose intervals the new readings can change, and
 * clears the marks it consumed. One runner at a time on the database.
 */
@Injectable()
export class EnergiaService implements BeforeApplicationShutdown {
  private readonly log = createLogger('energia');
  private stopping = false;
  private running?: Promise<number | undefined>;

  constructor(
    @Inject(ENERGIA_CONFIG) private readonly config: EnergiaConfig,
    private readonly repository: EnergiaRepository,
    @Inject(Pool) private readonly pool: Pool,
  ) {}

  /** Recomputes every marked day; the number of marks consumed, or undefined if another runner has the lock. */
  calcularPendientes(): Promise<number | undefined> {
    this.running ??= this.pasadas().finally(() => (this.running = undefined));
    return this.running;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running?.catch(() => undefined);
  }

  private async pasadas(): Promise<number | undefined> {
    const lock = await tryAdvisoryLock(this.pool, ENERGIA_LOCK_KEY);
    if (!lock) return undefined;
    const started = Date.now();
    let progressAt = started;
    let consumidas = 0;
    try {
      const [catalogo, primeras] = await Promise.all([
        this.repository.findCatalogo(),
        this.repository.findPendientes(MARCAS_POR_PASADA),
      ]);
      const roles = rolesDe(catalogo);
      for (let p = primeras; p.marcas > 0 && !this.stopping;) {
        // devices are independent: a few at once keep PostgreSQL and Node busy together, and
        // the last ones to finish leave less idle time behind
        await forEachConcurrently(p.dispositivos, DISPOSITIVOS_A_LA_VEZ, (d) =>
          this.recalcular(d, roles),
        );
        consumidas += p.marcas;
        if (Date.now() - progressAt > PROGRESS_EVERY_MS) {
          progressAt = Date.now();
          this.log.info({ dias: consumidas }, 'energy recomputation in progress');
        }
        // a short batch was all there was: marks added meanwhile wait for the next run
        if (p.marcas < MARCAS_POR_PASADA) break;
        p = await this.repository.findPendientes(MARCAS_POR_PASADA);
      }
      if (consumidas > 0) {
        this.log.info({ dias: consumidas, ms: Date.now() - started }, 'energy recomputed');
      }
      return consumidas;
    } finally {
      await lock.release();
    }
  }

  /**
   * The marked days, each widened to the days its readings' neighbours reach:
   * a reading changes the pieces between the readings around it, and those
   * may start days earlier (a device that was silent) or end days later.
   * Computed first, then written in one transaction with the marks it
   * consumed: a device's intervals and marks never disagree after a crash.
   */
  async recalcular(d: Pendiente, roles: Roles): Promise<void> {
    const serie = d.numeroSerie;
    const calculos: Calculo[] = [];
    if (nombres(roles).length > 0) {
      for (const [lo, hi] of await this.ventanas(
        serie,
        d.marcas.map((m) => diaInicio(m.dia)),
        roles,
      )) {
        calculos.push(await this.calcular(serie, lo, hi, roles, d.medicion));
      }
    }
    await this.repository.saveCalculos(
      serie,
      roles.contador?.nombre,
      calculos,
      d.marcas,
      d.conIntervalos,
    );
  }

  private async ventanas(
    serie: string,
    dias: number[],
    roles: Roles,
  ): Promise<Array<[number, number]>> {
    const ventanas: Array<[number, number]> = [];
    const p = this.config.parametros;
    // how far a new reading reaches without a neighbour in between: a current reading re-pairs
    // voltage samples within the tolerance, a power-factor reading applies for maxGap after it,
    // and each sample shapes the pieces on both sides (at most maxGap each)
    const alcance = 2 * p.maxGapMs + p.toleranciaPareoMs;
    // a run of consecutive marked days widens like one day: a day inside it has its
    // neighbouring readings inside the run, or the run's own neighbours
    for (const [d0, d1] of unirVentanas(dias.map((d): [number, number] => [d, d + DIA_MS]))) {
      let lo = inicioDelDia(d0 - alcance);
      let hi = inicioDelDia(d1 - 1 + alcance) + DIA_MS;
      const vecinas = await Promise.all(
        nombres(roles).map((v) => this.repository.findVecinas(v, serie, d0, d1)),
      );
      for (const t of vecinas.flatMap((s) => [...s.t])) {
        if (t < d0) lo = Math.min(lo, inicioDelDia(t));
        else hi = Math.max(hi, inicioDelDia(t) + DIA_MS);
      }
      ventanas.push([lo, hi]);
    }
    // estimates from the same weekdays: a day's readings reach the next 7 same weekdays
    const semanas = this.config.estimarPotencia
      ? ventanas.flatMap(([lo, hi]) =>
          [1, 2, 3, 4, 5, 6, 7].map((k): [number, number] => [
            lo + k * SEMANA_MS,
            hi + k * SEMANA_MS,
          ]),
        )
      : [];
    return unirVentanas([...ventanas, ...semanas]);
  }

  /** The intervals of [desde, hasta) (whole UTC days) of one device, and its contador resets there. */
  async calcular(
    serie: string,
    desde: number,
    hasta: number,
    roles: Roles,
    medicion: Medicion,
  ): Promise<Calculo> {
    const p = this.config.parametros;
    const margen = 2 * p.maxGapMs + p.toleranciaPareoMs;
    // with weekday estimates, the 7 weeks before are read too (their intervals are the reference)
    const antes = this.config.estimarPotencia ? 7 * SEMANA_MS : 0;
    const muestras = (v: string | undefined): Promise<Serie> =>
      v
        ? this.repository.findMuestras(v, serie, desde - antes - margen, hasta + margen)
        : Promise.resolve(SERIE_VACIA);
    // one device's reads at once: its CPU work overlaps the database's
    const [tension, corriente, factorPotencia, potencia, contador, vecinas] = await Promise.all([
      muestras(roles.tension),
      muestras(roles.corriente),
      muestras(roles.factorPotencia),
      muestras(roles.potencia?.nombre),
      muestras(roles.contador?.nombre),
      // the readings on the far side of a contador's gap, for its linear estimate
      roles.contador
        ? this.repository.findVecinas(
            roles.contador.nombre,
            serie,
            desde - antes - margen,
            hasta + margen,
          )
        : SERIE_VACIA,
    ]);
    const fuentes: Fuentes = { tension, corriente, factorPotencia };
    if (medicion.factorPotencia !== null)
      fuentes.factorPotenciaConfigurado = medicion.factorPotencia;
    if (roles.potencia) fuentes.potencia = { muestras: potencia, aKw: roles.potencia.aKw };
    if (roles.contador) {
      fuentes.contador = { muestras: unirSeries(vecinas, contador), aKwh: roles.contador.aKwh };
    }
    const { intervalos, reinicios } = calcularIntervalos(fuentes, desde, hasta, p);
    // a day is stored only if some interval of it has data (others would be all faltante)
    const conDatos = new Set(
      intervalos.filter((i) => i.fuente !== null).map((i) => inicioDelDia(i.inicio)),
    );
    let guardar = intervalos.filter((i) => conDatos.has(inicioDelDia(i.inicio)));
    if (this.config.estimarPotencia) {
      const referencia = calcularIntervalos(
        fuentes,
        desde - antes,
        hasta - SEMANA_MS,
        p,
      ).intervalos;
      guardar = estimarPorSemanas(guardar, new Map(referencia.map((i) => [i.inicio, i])));
    }
    return { desde, hasta, intervalos: guardar, reinicios };
  }
}

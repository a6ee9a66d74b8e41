import { Entero, sumaEntera } from '@iot/database';
import Decimal from 'decimal.js';
import type { VersionTarifa } from '../tarifas/tarifa';
import type { ConsumoHorario, TiempoHorario } from '../energia/consumo-horario';
import { deNano, Linea, periodoHorarioDe, tarificar } from './tarificacion';

/** A tariff version in force over [desde, hasta) instants of the period. */
export interface Tramo {
  versionId: string;
  tarifa: string;
  desde: number;
  hasta: number;
  definicion: VersionTarifa;
}

/** A device's energy while it was in the account (already cut to that span), per local hour. */
export interface Consumo {
  numeroSerie: string;
  desde: number;
  hasta: number;
  horas: ConsumoHorario[];
  /** Its time per local hour in the account (coverage is measured against it). */
  tiempo: TiempoHorario[];
}

export interface LineaFactura extends Linea {
  /** The tariff version that priced it (null on an adjustment). */
  versionId: string | null;
  tarifa: string | null;
  /** An adjustment's final statement. */
  ajustaFacturaId?: string | null;
  desde: string;
  hasta: string;
}

export interface Borrador {
  lineas: LineaFactura[];
  total: string;
  energia: string;
  /** Covered share of the devices' time in the account during the period, 0 to 1. */
  cobertura: string;
  estimada: string;
  problemas: string[];
  /**
   * Energy priced per local day, for the statement's chart; `periodos`: the
   * same by time-of-use period (statements drafted before it have none).
   */
  diario: Array<{ fecha: string; energia: string; periodos?: Record<string, string> }>;
}

export interface EntradaFactura {
  desde: number;
  hasta: number;
  zona: string;
  decimales: number;
  festivos: ReadonlySet<string>;
  consumos: Consumo[];
  tramos: Tramo[];
}

const D = Decimal.clone({ precision: 50 });

/**
 * A statement of one account and period: the period is cut where its tariff
 * or tariff version changes, and each piece is priced with the version in
 * force (its fixed charge, minimum and block limits scaled by the piece's
 * share of the period's length). Energy outside any tariff is not priced and
 * is named in `problemas`.
 */
export function construirFactura(e: EntradaFactura): Borrador {
  const largo = e.hasta - e.desde;
  const horas = e.consumos.flatMap((c) => c.horas);
  const lineas: LineaFactura[] = [];
  const problemas: string[] = [];
  let energia = new D(0);
  let estimada = new D(0);
  const diario = new Map<string, Entero>();
  const diarioTou = new Map<string, Map<string, Entero>>();
  const tramos = [...e.tramos].sort((a, b) => a.desde - b.desde);
  let cubierto = e.desde;
  for (const t of tramos) {
    if (t.desde > cubierto) problemas.push(sinTarifa(cubierto, t.desde));
    cubierto = Math.max(cubierto, t.hasta);
    const suyas = horas.filter((h) => h.inicio >= t.desde && h.inicio < t.hasta);
    for (const h of suyas) {
      if (h.unidad !== t.definicion.unidad) continue;
      const fecha = h.hora.slice(0, 10);
      diario.set(fecha, sumaEntera(diario.get(fecha) ?? 0, h.energia));
      const k = periodoHorarioDe(h.hora, t.definicion, {
        zona: e.zona,
        decimales: e.decimales,
        festivos: e.festivos,
      });
      const nombre = t.definicion.periodos[k].nombre;
      const dia = diarioTou.get(fecha) ?? new Map<string, Entero>();
      dia.set(nombre, sumaEntera(dia.get(nombre) ?? 0, h.energia));
      diarioTou.set(fecha, dia);
    }
    const tiempo = e.consumos.flatMap((c) =>
      c.tiempo.filter((x) => x.inicio >= t.desde && x.inicio < t.hasta),
    );
    const l = tarificar(suyas, t.definicion, {
      tiempo,
      zona: e.zona,
      decimales: e.decimales,
      festivos: e.festivos,
      fraccion: new D(t.hasta - t.desde).div(largo).toDecimalPlaces(12).toFixed(),
    });
    const marca = {
      versionId: t.versionId,
      tarifa: t.tarifa,
      desde: new Date(t.desde).toISOString(),
      hasta: new Date(t.hasta).toISOString(),
    };
    lineas.push(...l.lineas.map((x) => ({ ...x, ...marca })));
    problemas.push(...l.problemas);
    energia = energia.plus(l.energia);
    estimada = estimada.plus(new D(l.energia).times(l.estimada));
  }
  if (cubierto < e.hasta) problemas.push(sinTarifa(cubierto, e.hasta));
  const tiempo = e.consumos.reduce((s, c) => s + (c.hasta - c.desde), 0);
  // coverage in millionths x ms
  const cubiertas = horas.reduce((x: Entero, h) => sumaEntera(x, h.cubierto), 0);
  const cubiertoMs = new D(cubiertas.toString()).div(1e6);
  return {
    lineas,
    total: lineas.reduce((s, x) => s.plus(x.importe), new D(0)).toFixed(e.decimales),
    energia: energia.toFixed(),
    cobertura: tiempo === 0 ? '0' : cubiertoMs.div(tiempo).toDecimalPlaces(6).toFixed(),
    estimada: energia.isZero() ? '0' : estimada.div(energia).toDecimalPlaces(6).toFixed(),
    problemas,
    diario: [...diario]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([fecha, x]) => ({
        fecha,
        energia: deNano(x).toFixed(),
        periodos: Object.fromEntries(
          [...(diarioTou.get(fecha) ?? [])].map(([p, y]) => [p, deNano(y).toFixed()]),
        ),
      })),
  };
}

function sinTarifa(desde: number, hasta: number): string {
  return `no tariff from ${new Date(desde).toISOString()} to ${new Date(hasta).toISOString()}: its energy is not priced`;
}

import Decimal from 'decimal.js';
import type { VersionTarifa } from '../tarifas/tarifa';
import type { ConsumoHorario } from '../energia/consumo-horario';

export type TipoLinea = 'energia' | 'cargo_fijo' | 'demanda' | 'minimo' | 'impuesto' | 'ajuste';

/** A line that explains itself: what, how much of it, at what unit price, for how much. */
export interface Linea {
  tipo: TipoLinea;
  concepto: string;
  periodo?: string;
  bloque?: number;
  cantidad: string;
  unidad: string;
  precioUnitario: string;
  importe: string;
}

export interface Liquidacion {
  lineas: Linea[];
  /** The sum of the rounded lines. */
  total: string;
  /** Energy priced, in the tariff's unit. */
  energia: string;
  /** Share of that energy in `estimado` intervals, 0 to 1. */
  estimada: string;
  /** Why the statement cannot be final (empty: it can). */
  problemas: string[];
}

export interface Contexto {
  zona: string;
  /** The currency's minor unit: lines round to it. */
  decimales: number;
  /** Local dates (YYYY-MM-DD) that are holidays in the account's calendar. */
  festivos: ReadonlySet<string>;
  /**
   * The share of the billing period these intervals span (a period split by
   * a tariff change): the fixed charge, the minimum and the block limits are
   * scaled by it. Absent: 1.
   */
  fraccion?: string;
}

const D = Decimal.clone({ precision: 50 });
const HORA_MS = 3_600_000;

/** A local hour (`YYYY-MM-DD HH`) as a tariff looks at it. */
export function diaHora(hora: string): {
  fecha: string;
  mes: number;
  hora: number;
  finDeSemana: boolean;
} {
  const fecha = hora.slice(0, 10);
  const dia = new Date(`${fecha}T00:00:00Z`).getUTCDay();
  return {
    fecha,
    mes: Number(hora.slice(5, 7)) - 1,
    hora: Number(hora.slice(11, 13)),
    finDeSemana: dia === 0 || dia === 6,
  };
}

/** Which time-of-use period prices a local hour: its month, hour and day type. */
function periodoHorarioDe(hora: string, v: VersionTarifa, c: Contexto): number {
  const h = diaHora(hora);
  const festivo = c.festivos.has(h.fecha);
  if (festivo && typeof v.festivos === 'number') return v.festivos;
  const matriz =
    h.finDeSemana || (festivo && v.festivos === 'finDeSemana') ? v.finDeSemana : v.semana;
  return matriz[h.mes][h.hora];
}

/**
 * Prices a billing period's intervals with one tariff version: energy per
 * period and block, the fixed charge, demand, the minimum, then taxes on
 * that subtotal. Every line is rounded to the currency's minor unit
 * (`redondeo`: half-up or half-even); the total is the sum of the rounded
 * lines. Intervals in another unit than the tariff's are not priced: they
 * are named in `problemas`.
 */
export function tarificar(horas: ConsumoHorario[], v: VersionTarifa, c: Contexto): Liquidacion {
  const modo = v.redondeo === 'half_even' ? Decimal.ROUND_HALF_EVEN : Decimal.ROUND_HALF_UP;
  const redondear = (x: Decimal): Decimal => x.toDecimalPlaces(c.decimales, modo);
  const dinero = (x: Decimal): string => x.toFixed(c.decimales);
  const problemas: string[] = [];
  const f = new D(c.fraccion ?? 1);
  const parte = (x: string): Decimal => new D(x).times(f);
  const porPeriodo = v.periodos.map(() => new D(0));
  let energia = new D(0);
  let estimada = new D(0);
  let demanda = new D(0);
  let otraUnidad = 0;
  for (const h of horas) {
    if (h.unidad === null) continue;
    if (h.unidad !== v.unidad) {
      otraUnidad += h.conEnergia;
      continue;
    }
    const e = new D(h.energia);
    const k = periodoHorarioDe(h.hora, v, c);
    porPeriodo[k] = porPeriodo[k].plus(e);
    energia = energia.plus(e);
    if (h.estimada !== '0') estimada = estimada.plus(h.estimada);
    // intervals of one length: the largest energy is the highest average power
    const kw = new D(h.maximo).div(h.ms / HORA_MS);
    if (kw.gt(demanda)) demanda = kw;
  }
  if (otraUnidad > 0) {
    problemas.push(
      `${otraUnidad} intervals are in ${v.unidad === 'kWh' ? 'kVAh' : 'kWh'} and the tariff prices ${v.unidad}: they are not priced`,
    );
  }
  const lineas: Linea[] = [];
  const linea = (l: Omit<Linea, 'importe'>, importe: Decimal): void => {
    lineas.push({ ...l, importe: dinero(redondear(importe)) });
  };
  v.periodos.forEach((p, k) => {
    let resto = porPeriodo[k];
    let desde = new D(0);
    p.bloques.forEach((b, j) => {
      const tope = b.hasta === undefined ? undefined : parte(b.hasta);
      const cantidad = tope === undefined ? resto : D.min(resto, tope.minus(desde));
      if (cantidad.gt(0)) {
        linea(
          {
            tipo: 'energia',
            concepto: p.bloques.length > 1 ? `${p.nombre}, bloque ${j + 1}` : p.nombre,
            periodo: p.nombre,
            bloque: j + 1,
            cantidad: cantidad.toFixed(),
            unidad: v.unidad,
            precioUnitario: b.precio,
          },
          cantidad.times(b.precio),
        );
      }
      resto = resto.minus(cantidad);
      if (tope) desde = tope;
    });
  });
  linea(
    {
      tipo: 'cargo_fijo',
      concepto: 'Cargo fijo',
      cantidad: f.toFixed(),
      unidad: 'periodo',
      precioUnitario: v.cargoFijo,
    },
    parte(v.cargoFijo),
  );
  if (v.demanda) {
    linea(
      {
        tipo: 'demanda',
        concepto: 'Demanda máxima',
        cantidad: demanda.toDecimalPlaces(9).toFixed(),
        unidad: 'kW',
        precioUnitario: v.demanda.precio,
      },
      demanda.toDecimalPlaces(9).times(v.demanda.precio),
    );
  }
  const suma = (xs: Linea[]): Decimal => xs.reduce((s, l) => s.plus(l.importe), new D(0));
  const subtotal = suma(lineas);
  const minimo = v.minimo === undefined ? undefined : parte(v.minimo);
  if (minimo !== undefined && subtotal.lt(minimo)) {
    linea(
      {
        tipo: 'minimo',
        concepto: 'Hasta el cargo mínimo',
        cantidad: '1',
        unidad: 'periodo',
        precioUnitario: minimo.minus(subtotal).toFixed(),
      },
      minimo.minus(subtotal),
    );
  }
  const base = suma(lineas);
  for (const t of v.impuestos) {
    const porcentaje = t.tipo === 'porcentaje';
    linea(
      {
        tipo: 'impuesto',
        concepto: t.nombre,
        cantidad: porcentaje ? dinero(base) : energia.toFixed(),
        unidad: porcentaje ? '%' : v.unidad,
        precioUnitario: t.valor,
      },
      porcentaje ? base.times(t.valor).div(100) : energia.times(t.valor),
    );
  }
  return {
    lineas,
    total: dinero(suma(lineas)),
    energia: energia.toFixed(),
    estimada: energia.isZero() ? '0' : estimada.div(energia).toDecimalPlaces(6).toFixed(),
    problemas,
  };
}

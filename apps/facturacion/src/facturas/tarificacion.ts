import Decimal from 'decimal.js';
import type { VersionTarifa } from '../tarifas/tarifa';
import { Entero, sumaEntera } from '@iot/database';
import type { ConsumoHorario, TiempoHorario } from '../energia/consumo-horario';

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
  /** Energy lines: covered share of the devices' time in the line's TOU period, 0 to 1. */
  cobertura?: string;
  /** Energy lines: share of the TOU period's energy in `estimado` intervals, 0 to 1. */
  estimada?: string;
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
  /** The devices' time per local hour in these intervals' span: each energy line's coverage is measured against it. */
  tiempo?: TiempoHorario[];
}

const D = Decimal.clone({ precision: 50 });

/** 10^-9 units as a decimal, exactly. */
export function deNano(x: Entero): Decimal {
  return new D(x.toString()).div(1e9);
}

/** Whether a's average power (maximo / ms) is above b's, exactly. */
function mayorPotencia(a: { maximo: Entero; ms: number }, b: { maximo: Entero; ms: number }) {
  if (a.ms === b.ms) return a.maximo > b.maximo; // the usual case: one interval length
  return BigInt(a.maximo) * BigInt(b.ms) > BigInt(b.maximo) * BigInt(a.ms);
}
const HORA_MS = 3_600_000;

interface DiaHora {
  fecha: string;
  mes: number;
  hora: number;
  finDeSemana: boolean;
}

const diasHoras = new Map<string, DiaHora>();

/** A local hour (`YYYY-MM-DD HH`) as a tariff looks at it (memoised: every account asks for the same hours). */
export function diaHora(hora: string): DiaHora {
  let h = diasHoras.get(hora);
  if (!h) {
    const fecha = hora.slice(0, 10);
    const dia = new Date(`${fecha}T00:00:00Z`).getUTCDay();
    h = {
      fecha,
      mes: Number(hora.slice(5, 7)) - 1,
      hora: Number(hora.slice(11, 13)),
      finDeSemana: dia === 0 || dia === 6,
    };
    if (diasHoras.size >= 100_000) diasHoras.clear();
    diasHoras.set(hora, h);
  }
  return h;
}

/** Which time-of-use period prices a local hour: its month, hour and day type. */
export function periodoHorarioDe(hora: string, v: VersionTarifa, c: Contexto): number {
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
  // exact integer sums of 10^-9 units; decimals only per period, below
  const porPeriodo = v.periodos.map((): Entero => 0);
  const estimadaPorPeriodo = v.periodos.map((): Entero => 0);
  const cubiertoPorPeriodo = v.periodos.map((): Entero => 0);
  const picoPorPeriodo = v.periodos.map((): { maximo: Entero; ms: number } => ({
    maximo: 0,
    ms: 1,
  }));
  let energiaNano: Entero = 0;
  let estimadaNano: Entero = 0;
  // the highest average power: the largest maximo / ms
  let pico: { maximo: Entero; ms: number } = { maximo: 0, ms: 1 };
  let otraUnidad = 0;
  for (const h of horas) {
    const k = periodoHorarioDe(h.hora, v, c);
    cubiertoPorPeriodo[k] = sumaEntera(cubiertoPorPeriodo[k], h.cubierto); // whatever its unit
    if (h.unidad === null) continue;
    if (h.unidad !== v.unidad) {
      otraUnidad += h.conEnergia;
      continue;
    }
    porPeriodo[k] = sumaEntera(porPeriodo[k], h.energia);
    estimadaPorPeriodo[k] = sumaEntera(estimadaPorPeriodo[k], h.estimada);
    energiaNano = sumaEntera(energiaNano, h.energia);
    estimadaNano = sumaEntera(estimadaNano, h.estimada);
    if (mayorPotencia(h, pico)) pico = h;
    if (mayorPotencia(h, picoPorPeriodo[k])) picoPorPeriodo[k] = h;
  }
  const energia = deNano(energiaNano);
  const kW = (p: { maximo: Entero; ms: number }) =>
    deNano(p.maximo)
      .div(p.ms / HORA_MS)
      .toDecimalPlaces(9);
  if (otraUnidad > 0) {
    problemas.push(
      `${otraUnidad} intervals are in ${v.unidad === 'kWh' ? 'kVAh' : 'kWh'} and the tariff prices ${v.unidad}: they are not priced`,
    );
  }
  const lineas: Linea[] = [];
  const linea = (l: Omit<Linea, 'importe'>, importe: Decimal): void => {
    lineas.push({ ...l, importe: dinero(redondear(importe)) });
  };
  const tiempoPorPeriodo = v.periodos.map(() => 0);
  for (const t of c.tiempo ?? []) tiempoPorPeriodo[periodoHorarioDe(t.hora, v, c)] += t.ms;
  const parte6 = (a: Decimal, b: Decimal) =>
    b.isZero() ? '0' : D.min(a.div(b), 1).toDecimalPlaces(6).toFixed();
  v.periodos.forEach((p, k) => {
    const total = deNano(porPeriodo[k]);
    const calidad = c.tiempo
      ? {
          cobertura: parte6(
            new D(cubiertoPorPeriodo[k].toString()).div(1e6),
            new D(tiempoPorPeriodo[k]),
          ),
          estimada: parte6(deNano(estimadaPorPeriodo[k]), total),
        }
      : {};
    let resto = total;
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
            ...calidad,
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
  if (v.demanda?.precio !== undefined) {
    const demanda = kW(pico);
    linea(
      {
        tipo: 'demanda',
        concepto: 'Demanda máxima',
        cantidad: demanda.toFixed(),
        unidad: 'kW',
        precioUnitario: v.demanda.precio,
      },
      demanda.times(v.demanda.precio),
    );
  }
  v.demanda?.porPeriodo?.forEach((precio, k) => {
    if (new D(precio).isZero()) return;
    const demanda = kW(picoPorPeriodo[k]);
    linea(
      {
        tipo: 'demanda',
        concepto: `Demanda máxima, ${v.periodos[k].nombre}`,
        periodo: v.periodos[k].nombre,
        cantidad: demanda.toFixed(),
        unidad: 'kW',
        precioUnitario: precio,
      },
      demanda.times(precio),
    );
  });
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
    estimada: energia.isZero()
      ? '0'
      : deNano(estimadaNano).div(energia).toDecimalPlaces(6).toFixed(),
    problemas,
  };
}

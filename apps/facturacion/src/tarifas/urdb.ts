import { InvalidInputError } from '@iot/common';
import type { FieldProblem } from '@iot/contracts';
import Decimal from 'decimal.js';
import { validarVersion, VersionTarifa } from './tarifa';

/** OpenEI URDB tiers: `max` (kWh in the month, cumulative), `rate` plus `adj` ($/kWh). */
interface TierUrdb {
  max?: number;
  rate: number;
  adj?: number;
  unit?: string;
}

/** The part of an OpenEI Utility Rate Database record this importer understands. */
export interface RegistroUrdb {
  name?: string;
  startdate?: number;
  energyweekdayschedule: number[][];
  energyweekendschedule: number[][];
  energyratestructure: TierUrdb[][];
  fixedchargefirstmeter?: number;
  fixedchargeunits?: string;
  mincharge?: number;
  minchargeunits?: string;
  flatdemandstructure?: Array<Array<{ rate: number; adj?: number; max?: number }>>;
  flatdemandmonths?: number[];
  flatdemandunit?: string;
  [otro: string]: unknown;
}

/** Descriptive fields: kept out of the tariff, accepted (they do not change prices). */
const DESCRIPTIVOS = [
  'label',
  'utility',
  'eiaid',
  'sector',
  'description',
  'source',
  'uri',
  'country',
  'approved',
];
const PRECIOS = [
  'name',
  'startdate',
  'energyweekdayschedule',
  'energyweekendschedule',
  'energyratestructure',
  'fixedchargefirstmeter',
  'fixedchargeunits',
  'mincharge',
  'minchargeunits',
  'flatdemandstructure',
  'flatdemandmonths',
  'flatdemandunit',
];

/** A JSON number as the exact decimal string it was written as (URDB rates are short decimals). */
function decimal(x: unknown, campo: string, problemas: FieldProblem[]): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    problemas.push({ field: campo, reason: 'must be a number' });
    return '0';
  }
  const texto = String(x);
  if (/e/i.test(texto)) {
    problemas.push({ field: campo, reason: 'must be written as a plain decimal' });
    return '0';
  }
  return texto;
}

/** rate + adj, exactly. */
const sumar = (a: string, b: string): string => new Decimal(a).plus(b).toFixed();

/**
 * A URDB record → a tariff version and the local date it starts. Supported:
 * the weekday and weekend TOU schedules, tiered energy rates (`rate` +
 * `adj`, in kWh), a monthly fixed charge, a monthly minimum, and one flat
 * demand price for every month. Anything else that prices (TOU demand,
 * other units, `enddate`, …) is refused by its name, never ignored.
 */
export function desdeUrdb(r: RegistroUrdb): { version: VersionTarifa; desde: string | undefined } {
  const problemas: FieldProblem[] = [];
  for (const k of Object.keys(r)) {
    if (!DESCRIPTIVOS.includes(k) && !PRECIOS.includes(k)) {
      problemas.push({ field: k, reason: 'is not supported by this importer' });
    }
  }
  const estructura = Array.isArray(r.energyratestructure) ? r.energyratestructure : [];
  const periodos = estructura.map((tiers, i) => ({
    nombre: `Periodo ${i}`,
    bloques: (Array.isArray(tiers) ? tiers : []).map((t, j) => {
      const campo = `energyratestructure[${i}][${j}]`;
      if (t?.unit !== undefined && t.unit !== 'kWh') {
        problemas.push({ field: `${campo}.unit`, reason: 'only kWh is supported' });
      }
      for (const k of Object.keys(t ?? {})) {
        if (!['max', 'rate', 'adj', 'unit'].includes(k)) {
          problemas.push({ field: `${campo}.${k}`, reason: 'is not supported by this importer' });
        }
      }
      const precio = sumar(
        decimal(t?.rate, `${campo}.rate`, problemas),
        t?.adj === undefined ? '0' : decimal(t.adj, `${campo}.adj`, problemas),
      );
      const ultimo = j === tiers.length - 1;
      if (ultimo && t?.max !== undefined) {
        problemas.push({
          field: `${campo}.max`,
          reason: 'the last tier has no max here: its rate applies above the others',
        });
      }
      return ultimo ? { precio } : { hasta: decimal(t?.max, `${campo}.max`, problemas), precio };
    }),
  }));
  const mensual = (campo: string, valor: unknown, unidad: unknown): string | undefined => {
    if (valor === undefined) return undefined;
    if (unidad !== '$/month')
      problemas.push({
        field: `${campo.replace(/charge.*$/, 'charge')}units`,
        reason: 'only $/month is supported',
      });
    return decimal(valor, campo, problemas);
  };
  const cargoFijo =
    mensual('fixedchargefirstmeter', r.fixedchargefirstmeter, r.fixedchargeunits) ?? '0';
  const minimo = mensual('mincharge', r.mincharge, r.minchargeunits);
  let demanda: VersionTarifa['demanda'];
  if (r.flatdemandstructure !== undefined) {
    const s = r.flatdemandstructure;
    const una =
      Array.isArray(s) &&
      s.length === 1 &&
      Array.isArray(s[0]) &&
      s[0].length === 1 &&
      s[0][0]?.max === undefined;
    const meses =
      Array.isArray(r.flatdemandmonths) &&
      r.flatdemandmonths.length === 12 &&
      r.flatdemandmonths.every((m) => m === 0);
    if (!una || !meses) {
      problemas.push({
        field: 'flatdemandstructure',
        reason: 'only one flat demand price for every month is supported',
      });
    } else {
      demanda = {
        precio: sumar(
          decimal(s[0][0].rate, 'flatdemandstructure[0][0].rate', problemas),
          s[0][0].adj === undefined
            ? '0'
            : decimal(s[0][0].adj, 'flatdemandstructure[0][0].adj', problemas),
        ),
      };
    }
    if (r.flatdemandunit !== undefined && r.flatdemandunit !== 'kW') {
      problemas.push({ field: 'flatdemandunit', reason: 'only kW is supported' });
    }
  }
  let desde: string | undefined;
  if (r.startdate !== undefined) {
    if (
      typeof r.startdate !== 'number' ||
      !Number.isInteger(r.startdate) ||
      r.startdate < 0 ||
      r.startdate > 253402300799
    ) {
      problemas.push({ field: 'startdate', reason: 'must be a Unix time in seconds' });
    } else desde = new Date(r.startdate * 1000).toISOString().slice(0, 10);
  }
  if (problemas.length > 0) throw new InvalidInputError(problemas);
  const version: VersionTarifa = {
    unidad: 'kWh',
    cargoFijo,
    periodos,
    semana: r.energyweekdayschedule,
    finDeSemana: r.energyweekendschedule,
    festivos: 'finDeSemana',
    impuestos: [],
    redondeo: 'half_up',
    ...(minimo !== undefined && { minimo }),
    ...(demanda && { demanda }),
  };
  try {
    return { version: validarVersion(version), desde };
  } catch (e) {
    // the caller sent URDB: name its fields, not ours
    if (!(e instanceof InvalidInputError)) throw e;
    throw new InvalidInputError(e.errors.map((p) => ({ ...p, field: comoUrdb(p.field) })));
  }
}

function comoUrdb(campo: string): string {
  return campo
    .replace(/^semana$/, 'energyweekdayschedule')
    .replace(/^finDeSemana$/, 'energyweekendschedule')
    .replace(/^periodos\[(\d+)\]\.bloques\[(\d+)\]\.precio$/, 'energyratestructure[$1][$2].rate')
    .replace(/^periodos\[(\d+)\]\.bloques\[(\d+)\]\.hasta$/, 'energyratestructure[$1][$2].max')
    .replace(/^periodos(.*)$/, 'energyratestructure$1')
    .replace(/^cargoFijo$/, 'fixedchargefirstmeter')
    .replace(/^minimo$/, 'mincharge')
    .replace(/^demanda\.precio$/, 'flatdemandstructure[0][0].rate');
}

/**
 * A tariff version → a URDB record. What URDB cannot hold (taxes, half-even
 * rounding, holidays as a period, kVAh) is refused by name; period names
 * become indexes.
 */
export function haciaUrdb(v: VersionTarifa, nombre: string, desde: string): RegistroUrdb {
  const problemas: FieldProblem[] = [];
  if (v.impuestos.length > 0) problemas.push({ field: 'impuestos', reason: 'URDB has no taxes' });
  if (v.redondeo !== 'half_up')
    problemas.push({ field: 'redondeo', reason: 'URDB has no rounding rule (half_up is assumed)' });
  if (v.festivos !== undefined && v.festivos !== 'finDeSemana')
    problemas.push({ field: 'festivos', reason: 'URDB holidays are weekends' });
  if (v.unidad !== 'kWh')
    problemas.push({ field: 'unidad', reason: 'URDB energy rates are per kWh' });
  if (v.demanda?.porPeriodo !== undefined)
    problemas.push({
      field: 'demanda.porPeriodo',
      reason: 'exported as a flat demand only (URDB TOU demand has schedules of its own)',
    });
  const numero = (x: string, campo: string): number => {
    const n = Number(x);
    if (String(n) !== x.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')) {
      problemas.push({ field: campo, reason: 'cannot be written exactly as a JSON number' });
    }
    return n;
  };
  const r: RegistroUrdb = {
    name: nombre,
    startdate: Date.parse(`${desde}T00:00:00Z`) / 1000,
    energyweekdayschedule: v.semana,
    energyweekendschedule: v.finDeSemana,
    energyratestructure: v.periodos.map((p, i) =>
      p.bloques.map((b, j) => ({
        ...(b.hasta !== undefined && {
          max: numero(b.hasta, `periodos[${i}].bloques[${j}].hasta`),
        }),
        rate: numero(b.precio, `periodos[${i}].bloques[${j}].precio`),
      })),
    ),
    fixedchargefirstmeter: numero(v.cargoFijo, 'cargoFijo'),
    fixedchargeunits: '$/month',
    ...(v.minimo !== undefined && {
      mincharge: numero(v.minimo, 'minimo'),
      minchargeunits: '$/month',
    }),
    ...(v.demanda?.precio !== undefined && {
      flatdemandstructure: [[{ rate: numero(v.demanda.precio, 'demanda.precio') }]],
      flatdemandmonths: Array(12).fill(0),
      flatdemandunit: 'kW',
    }),
  };
  if (problemas.length > 0) throw new InvalidInputError(problemas);
  return r;
}

import { InvalidInputError } from '@iot/common';
import type { FieldProblem } from '@iot/contracts';
import Decimal from 'decimal.js';

/** A block of a time-of-use period: up to `hasta` (cumulative, in the period) at `precio`. */
export interface Bloque {
  /** Upper bound of the block in the billing period (kWh or kVAh); absent: the rest. */
  hasta?: string;
  precio: string;
}

export interface Periodo {
  nombre: string;
  bloques: Bloque[];
}

export interface Impuesto {
  nombre: string;
  /** `porcentaje` of the subtotal, or a levy `porUnidad` of energy. */
  tipo: 'porcentaje' | 'porUnidad';
  valor: string;
}

/**
 * A tariff version, as data. `semana`/`finDeSemana`: 12 × 24 matrices (local
 * month × local hour) of indexes into `periodos`, as OpenEI's URDB has them.
 * Holidays count as weekend, or as the period `festivos` names.
 */
export interface VersionTarifa {
  /** What its energy prices are per: kWh, or apparent kVAh. */
  unidad: 'kWh' | 'kVAh';
  cargoFijo: string;
  periodos: Periodo[];
  semana: number[][];
  finDeSemana: number[][];
  festivos?: 'finDeSemana' | number;
  /**
   * Demand charges, per kW of the highest interval average power: over the
   * whole billing period (`precio`), and/or over each TOU period's own hours
   * (`porPeriodo[k]`: one price per period, "0" for none).
   */
  demanda?: { precio?: string; porPeriodo?: string[] };
  impuestos: Impuesto[];
  /** The least the energy, fixed and demand lines add up to (before taxes). */
  minimo?: string;
  redondeo: 'half_up' | 'half_even';
}

const DINERO_MAX = new Decimal('1e9');
const CAMPOS = [
  'unidad',
  'cargoFijo',
  'periodos',
  'semana',
  'finDeSemana',
  'festivos',
  'demanda',
  'impuestos',
  'minimo',
  'redondeo',
];
const DECIMAL = /^\d{1,12}(\.\d{1,12})?$/;

/** Checks a version field by field; every problem is named by its path. */
export function validarVersion(v: VersionTarifa): VersionTarifa {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new InvalidInputError([{ field: 'definicion', reason: 'must be an object' }]);
  }
  const problemas: FieldProblem[] = [];
  const numero = (campo: string, x: unknown, max = DINERO_MAX): void => {
    if (typeof x !== 'string' || !DECIMAL.test(x)) {
      problemas.push({
        field: campo,
        reason: 'must be a non-negative decimal string, e.g. "0.1234"',
      });
    } else if (new Decimal(x).gt(max)) {
      problemas.push({ field: campo, reason: `must be at most ${max.toString()}` });
    }
  };
  const desconocidos = (campo: string, x: unknown, conocidos: string[]): void => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return;
    for (const k of Object.keys(x)) {
      if (!conocidos.includes(k)) {
        problemas.push({ field: campo ? `${campo}.${k}` : k, reason: 'is not a tariff field' });
      }
    }
  };
  desconocidos('', v, CAMPOS);
  if (v.unidad !== 'kWh' && v.unidad !== 'kVAh') {
    problemas.push({ field: 'unidad', reason: 'must be kWh or kVAh' });
  }
  if (v.redondeo !== 'half_up' && v.redondeo !== 'half_even') {
    problemas.push({ field: 'redondeo', reason: 'must be half_up or half_even' });
  }
  numero('cargoFijo', v.cargoFijo);
  if (v.minimo !== undefined) numero('minimo', v.minimo);
  if (v.demanda !== undefined) {
    const d = v.demanda;
    if (
      d === null ||
      typeof d !== 'object' ||
      (d.precio === undefined && d.porPeriodo === undefined)
    ) {
      problemas.push({ field: 'demanda', reason: 'must have precio, porPeriodo or both' });
    } else {
      if (d.precio !== undefined) numero('demanda.precio', d.precio, new Decimal(1e6));
      if (d.porPeriodo !== undefined) {
        if (!Array.isArray(d.porPeriodo) || d.porPeriodo.length !== (v.periodos?.length ?? -1)) {
          problemas.push({
            field: 'demanda.porPeriodo',
            reason: 'must list one price per period ("0" for none)',
          });
        } else {
          d.porPeriodo.forEach((x, k) => numero(`demanda.porPeriodo[${k}]`, x, new Decimal(1e6)));
        }
      }
    }
  }
  const periodos = Array.isArray(v.periodos) ? v.periodos : [];
  if (periodos.length === 0 || periodos.length > 24) {
    problemas.push({ field: 'periodos', reason: 'must list 1 to 24 periods' });
  }
  periodos.forEach((p, i) => {
    const bloques = Array.isArray(p?.bloques) ? p.bloques : [];
    if (typeof p?.nombre !== 'string' || !/^[\p{L}\p{N} _-]{1,40}$/u.test(p.nombre)) {
      problemas.push({
        field: `periodos[${i}].nombre`,
        reason: 'must be 1 to 40 letters, digits, spaces',
      });
    }
    if (bloques.length === 0 || bloques.length > 10) {
      problemas.push({ field: `periodos[${i}].bloques`, reason: 'must list 1 to 10 blocks' });
    }
    desconocidos(`periodos[${i}]`, p, ['nombre', 'bloques']);
    let anterior = new Decimal(0);
    bloques.forEach((b, j) => {
      const campo = `periodos[${i}].bloques[${j}]`;
      desconocidos(campo, b, ['hasta', 'precio']);
      numero(`${campo}.precio`, b?.precio, new Decimal(1e6));
      const ultimo = j === bloques.length - 1;
      if (ultimo && b?.hasta !== undefined) {
        problemas.push({ field: `${campo}.hasta`, reason: 'the last block has no upper bound' });
      } else if (!ultimo) {
        numero(`${campo}.hasta`, b?.hasta, new Decimal(1e12));
        if (typeof b?.hasta === 'string' && DECIMAL.test(b.hasta)) {
          if (!new Decimal(b.hasta).gt(anterior)) {
            problemas.push({ field: `${campo}.hasta`, reason: 'must be above the previous block' });
          } else anterior = new Decimal(b.hasta);
        }
      }
    });
  });
  for (const nombre of ['semana', 'finDeSemana'] as const) {
    const m = v[nombre];
    const ok =
      Array.isArray(m) &&
      m.length === 12 &&
      m.every(
        (fila) =>
          Array.isArray(fila) &&
          fila.length === 24 &&
          fila.every((x) => Number.isInteger(x) && x >= 0 && x < periodos.length),
      );
    if (!ok) {
      problemas.push({
        field: nombre,
        reason: `must be 12 rows (months) of 24 period indexes (0 to ${periodos.length - 1})`,
      });
    }
  }
  if (
    v.festivos !== undefined &&
    v.festivos !== 'finDeSemana' &&
    !(Number.isInteger(v.festivos) && v.festivos >= 0 && v.festivos < periodos.length)
  ) {
    problemas.push({ field: 'festivos', reason: 'must be finDeSemana or a period index' });
  }
  desconocidos('demanda', v.demanda, ['precio', 'porPeriodo']);
  (Array.isArray(v.impuestos) ? v.impuestos : []).forEach((t, i) => {
    desconocidos(`impuestos[${i}]`, t, ['nombre', 'tipo', 'valor']);
    if (t?.tipo !== 'porcentaje' && t?.tipo !== 'porUnidad') {
      problemas.push({ field: `impuestos[${i}].tipo`, reason: 'must be porcentaje or porUnidad' });
    }
    numero(`impuestos[${i}].valor`, t?.valor, new Decimal(t?.tipo === 'porcentaje' ? 100 : 1e6));
    if (typeof t?.nombre !== 'string' || t.nombre.length === 0 || t.nombre.length > 60) {
      problemas.push({ field: `impuestos[${i}].nombre`, reason: 'must be 1 to 60 characters' });
    }
  });
  if (!Array.isArray(v.impuestos)) problemas.push({ field: 'impuestos', reason: 'must be a list' });
  if (problemas.length > 0) throw new InvalidInputError(problemas);
  return v;
}

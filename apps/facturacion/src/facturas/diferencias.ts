import Decimal from 'decimal.js';
import type { Linea } from './tarificacion';

export interface Importe {
  cantidad: string;
  unidad: string;
  importe: string;
}

/** One concept of a statement before and after re-rating (null: not on that side). */
export interface Diferencia {
  tipo: Linea['tipo'];
  concepto: string;
  antes: Importe | null;
  despues: Importe | null;
  /** despues − antes, in money. */
  diferencia: string;
}

const D = Decimal.clone({ precision: 50 });

/** Lines of one concept (a period's block, the fixed charge, a tax) added up across tariff pieces. */
function porConcepto(
  lineas: Linea[],
  decimales: number,
): Map<string, Importe & { tipo: Linea['tipo']; concepto: string }> {
  const m = new Map<string, Importe & { tipo: Linea['tipo']; concepto: string }>();
  for (const l of lineas) {
    const clave = `${l.tipo}|${l.concepto}`;
    const a = m.get(clave);
    m.set(clave, {
      tipo: l.tipo,
      concepto: l.concepto,
      unidad: l.unidad,
      cantidad: a ? new D(a.cantidad).plus(l.cantidad).toFixed() : l.cantidad,
      importe: new D(a?.importe ?? 0).plus(l.importe).toFixed(decimales),
    });
  }
  return m;
}

/**
 * A line-by-line diff of a statement's own lines (adjustments apart) and the
 * same period priced again: each concept in the order it first appears,
 * before, after, and the difference in money.
 */
export function diferencias(antes: Linea[], despues: Linea[], decimales: number): Diferencia[] {
  const a = porConcepto(antes, decimales);
  const d = porConcepto(despues, decimales);
  const claves = [...new Set([...a.keys(), ...d.keys()])];
  return claves.map((k) => {
    const x = a.get(k);
    const y = d.get(k);
    const importe = (i?: Importe) => new D(i?.importe ?? 0);
    const lado = (i?: Importe): Importe | null =>
      i ? { cantidad: i.cantidad, unidad: i.unidad, importe: i.importe } : null;
    return {
      tipo: (x ?? y)!.tipo,
      concepto: (x ?? y)!.concepto,
      antes: lado(x),
      despues: lado(y),
      diferencia: importe(y).minus(importe(x)).toFixed(decimales),
    };
  });
}

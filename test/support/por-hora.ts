import DecimalJs from 'decimal.js';
import type {
  ConsumoHorario,
  IntervaloConsumo,
} from '../../apps/facturacion/src/energia/consumo-horario';
import { horaLocal } from '../../apps/facturacion/src/facturas/hora-local';

const Decimal = DecimalJs.clone({ precision: 50 });

/**
 * What EnergiaRepository.findConsumoHorario computes in SQL, interval by
 * interval in JS: the reference the unit specs price from and the e2e spec
 * compares the SQL with.
 */
export function porHora(
  intervalos: Array<Omit<IntervaloConsumo, 'cobertura'> & { cobertura?: string }>,
  zona: string,
): ConsumoHorario[] {
  const grupos = new Map<string, ConsumoHorario>();
  for (const i of intervalos) {
    const h = horaLocal(i.inicio, zona);
    const hora = `${h.fecha} ${String(h.hora).padStart(2, '0')}`;
    const ms = i.fin - i.inicio;
    const clave = `${hora}|${ms}|${i.unidad}`;
    const g = grupos.get(clave) ?? {
      hora,
      inicio: i.inicio,
      ms,
      unidad: i.unidad,
      energia: '0',
      estimada: '0',
      maximo: i.energia,
      conEnergia: 0,
      cubiertoMs: '0',
    };
    const e = new Decimal(i.energia);
    g.inicio = Math.min(g.inicio, i.inicio);
    g.energia = e.plus(g.energia).toFixed();
    if (i.calidad === 'estimado') g.estimada = e.plus(g.estimada).toFixed();
    if (e.gt(g.maximo)) g.maximo = e.toFixed();
    if (!e.isZero()) g.conEnergia++;
    g.cubiertoMs = new Decimal(i.cobertura ?? '1').times(ms).plus(g.cubiertoMs).toFixed();
    grupos.set(clave, g);
  }
  return [...grupos.values()].sort((a, b) => a.hora.localeCompare(b.hora));
}

import { Entero, entero } from '@iot/database';
import DecimalJs from 'decimal.js';
import {
  ConsumoHorario,
  IntervaloConsumo,
  porHoraEInicio,
} from '../../apps/facturacion/src/energia/consumo-horario';
import { horaLocal } from '../../apps/facturacion/src/facturas/hora-local';

const Decimal = DecimalJs.clone({ precision: 50 });

/** A decimal string in 10^-9 units (it must have at most 9 decimals). */
const nano = (x: string): bigint => BigInt(new Decimal(x).times(1e9).toFixed());

/**
 * What ConsumoRepository.findConsumoHorario computes from raw rows, interval by
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
      energia: 0n as Entero,
      estimada: 0n as Entero,
      maximo: nano(i.energia) as Entero,
      conEnergia: 0,
      cubierto: 0n as Entero,
    };
    const e = nano(i.energia);
    g.inicio = Math.min(g.inicio, i.inicio);
    g.energia = BigInt(g.energia) + e;
    if (i.calidad === 'estimado') g.estimada = BigInt(g.estimada) + e;
    if (e > g.maximo) g.maximo = e;
    if (e !== 0n) g.conEnergia++;
    g.cubierto =
      BigInt(g.cubierto) + BigInt(new Decimal(i.cobertura ?? '1').times(1e6).times(ms).toFixed());
    grupos.set(clave, g);
  }
  // as the repository gives them: numbers while safe
  return [...grupos.values()]
    .map((g) => ({
      ...g,
      energia: entero(BigInt(g.energia)),
      estimada: entero(BigInt(g.estimada)),
      maximo: entero(BigInt(g.maximo)),
      cubierto: entero(BigInt(g.cubierto)),
    }))
    .sort(porHoraEInicio);
}

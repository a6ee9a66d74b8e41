import { Entero, numeric, sumaEntera, timestamptzMs, tuplasDeCopia } from '@iot/database';
import { ConsumoHorario, HorasLocales, porHoraEInicio, slotDe } from './consumo-horario';

/** The columns `sumarPorHora` reads, in this order, from a binary COPY. */
export const COLUMNAS_CONSUMO = 'inicio, fin, energia, unidad, cobertura, calidad';

/**
 * A device's intervals (a binary COPY of COLUMNAS_CONSUMO) added up per
 * local hour, unit and interval length, exactly: energy as integers of
 * 10^-9 units (a value with more decimals is an error, never rounded),
 * coverage in millionths. No row object, no decimal string and (while the
 * sums stay safe numbers) no BigInt per interval: one object per hour.
 */
export function sumarPorHora(b: Buffer, horas: HorasLocales): ConsumoHorario[] {
  // the hour's group; the rare other groups of an hour (another unit or length) apart
  const porSlot: ConsumoHorario[] = [];
  const otros: ConsumoHorario[] = [];
  for (const c of tuplasDeCopia(b)) {
    const inicio = timestamptzMs(b, c[0]);
    const slot = slotDe(horas, inicio);
    if (slot < 0)
      throw new Error(`an interval at ${new Date(inicio).toISOString()} outside the span`);
    const ms = timestamptzMs(b, c[1]) - inicio;
    const energia = numeric(b, c[2], 9);
    // unidad: NULL, 'kWh' (3 bytes) or 'kVAh'; calidad: 'real', 'estimado' or 'faltante'
    const unidad = c[3] === -1 ? null : b.readInt32BE(c[3] - 4) === 3 ? 'kWh' : 'kVAh';
    const cobertura = numeric(b, c[4], 6);
    const estimado = b[c[5]] === 0x65; // 'e'
    const hora = horas.etiquetas[slot];
    let g: ConsumoHorario | undefined = porSlot[slot];
    if (g && (g.ms !== ms || g.unidad !== unidad)) {
      g = otros.find((x) => x.hora === hora && x.ms === ms && x.unidad === unidad);
      if (!g) otros.push((g = nuevo(hora, inicio, ms, unidad, energia)));
    } else if (!g) {
      porSlot[slot] = g = nuevo(hora, inicio, ms, unidad, energia);
    }
    if (inicio < g.inicio) g.inicio = inicio;
    g.energia = sumaEntera(g.energia, energia);
    if (estimado) g.estimada = sumaEntera(g.estimada, energia);
    if (energia > g.maximo) g.maximo = energia;
    if (energia !== 0 && energia !== 0n) g.conEnergia++;
    g.cubierto = sumaEntera(
      g.cubierto,
      typeof cobertura === 'bigint' ? cobertura * BigInt(ms) : cobertura * ms,
    );
  }
  return [...porSlot.filter((g) => g !== undefined), ...otros].sort(porHoraEInicio);
}

function nuevo(
  hora: string,
  inicio: number,
  ms: number,
  unidad: ConsumoHorario['unidad'],
  energia: Entero,
): ConsumoHorario {
  return {
    hora,
    inicio,
    ms,
    unidad,
    energia: 0,
    estimada: 0,
    maximo: energia,
    conEnergia: 0,
    cubierto: 0,
  };
}

import { Entero, numeric, SumaExacta, timestamptzMs, tuplasDeCopia } from '@iot/database';
import { ConsumoHorario, HorasLocales, porHoraEInicio, slotDe } from './consumo-horario';

/** The columns `sumarPorHora` reads, in this order, from a binary COPY. */
export const COLUMNAS_CONSUMO = 'inicio, fin, energia, unidad, cobertura, calidad';

interface Grupo {
  slot: number;
  inicio: number;
  ms: number;
  unidad: ConsumoHorario['unidad'];
  energia: SumaExacta;
  estimada: SumaExacta;
  maximo: Entero;
  conEnergia: number;
  cubierto: SumaExacta;
}

/**
 * A device's intervals (a binary COPY of COLUMNAS_CONSUMO) added up per
 * local hour, unit and interval length, exactly: energy as integers of
 * 10^-9 units (a value with more decimals is an error, never rounded),
 * coverage in millionths. No row object and no decimal string per interval.
 */
export function sumarPorHora(b: Buffer, horas: HorasLocales): ConsumoHorario[] {
  const porSlot: Grupo[][] = [];
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
    const grupos = (porSlot[slot] ??= []);
    let g = grupos.find((x) => x.ms === ms && x.unidad === unidad);
    if (!g) {
      g = {
        slot,
        inicio,
        ms,
        unidad,
        energia: new SumaExacta(),
        estimada: new SumaExacta(),
        maximo: energia,
        conEnergia: 0,
        cubierto: new SumaExacta(),
      };
      grupos.push(g);
    }
    if (inicio < g.inicio) g.inicio = inicio;
    g.energia.mas(energia);
    if (estimado) g.estimada.mas(energia);
    if (energia > g.maximo) g.maximo = energia;
    if (energia !== 0 && energia !== 0n) g.conEnergia++;
    g.cubierto.mas(typeof cobertura === 'bigint' ? cobertura * BigInt(ms) : cobertura * ms);
  }
  return porSlot
    .flatMap((gs) => gs ?? [])
    .map((g) => ({
      hora: horas.etiquetas[g.slot],
      inicio: g.inicio,
      ms: g.ms,
      unidad: g.unidad,
      energia: g.energia.valor,
      estimada: g.estimada.valor,
      maximo: g.maximo,
      conEnergia: g.conEnergia,
      cubierto: g.cubierto.valor,
    }))
    .sort(porHoraEInicio);
}

import { FieldProblem } from '@iot/common';
import { LOTE_MAX_ITEMS } from '@iot/contracts';
import { Lectura } from './lectura';
import { validarLectura } from './validar-lectura';

export interface Rechazo {
  topic: string;
  /** The offending message, or the offending array item, as text. */
  payload: string;
  payloadBytes: number;
  motivo: FieldProblem[];
}

export interface MensajeInterpretado {
  lecturas: Lectura[];
  rechazos: Rechazo[];
}

/**
 * Subscription filters; a `+` level carries the device serial
 * (`dispositivos/+/lecturas`). `#` is not allowed: the serial must be exact.
 */
export class TopicosLectura {
  private readonly filtros: string[][];

  constructor(readonly filters: string[]) {
    this.filtros = filters.map((f) => f.split('/'));
  }

  static problema(filter: string): string | undefined {
    const levels = filter.split('/');
    if (filter.startsWith('$') || levels.includes('#')) return 'must not use # or start with $';
    if (levels.filter((l) => l === '+').length > 1)
      return 'may have at most one + level (the serial)';
    if (levels.some((l) => l !== '+' && (l.includes('+') || l === '')))
      return 'has an empty or partial level';
    return undefined;
  }

  /** The serial a topic carries; undefined when its filter has none; null when no filter matches. */
  serieDe(topic: string): string | undefined | null {
    const levels = topic.split('/');
    for (const filtro of this.filtros) {
      if (filtro.length !== levels.length) continue;
      if (!filtro.every((f, i) => f === '+' || f === levels[i])) continue;
      const at = filtro.indexOf('+');
      return at === -1 ? undefined : levels[at];
    }
    return null;
  }
}

/**
 * One MQTT message: a reading object or an array of them. Every item is
 * judged on its own, so a bad item never holds back the good ones.
 */
export function interpretarMensaje(
  topic: string,
  payload: Buffer,
  opciones: { maxBytes: number; serie?: string },
): MensajeInterpretado {
  const rechazoEntero = (reason: string): MensajeInterpretado => ({
    lecturas: [],
    rechazos: [
      {
        topic,
        payload: payload.toString('utf8'),
        payloadBytes: payload.length,
        motivo: [{ field: '(payload)', reason }],
      },
    ],
  });
  if (payload.length > opciones.maxBytes)
    return rechazoEntero(`exceeds ${opciones.maxBytes} bytes`);
  let cuerpo: unknown;
  try {
    cuerpo = JSON.parse(payload.toString('utf8'));
  } catch {
    return rechazoEntero('is not valid JSON');
  }
  const items = Array.isArray(cuerpo) ? cuerpo : [cuerpo];
  if (items.length > LOTE_MAX_ITEMS)
    return rechazoEntero(`holds more than ${LOTE_MAX_ITEMS} readings`);

  const resultado: MensajeInterpretado = { lecturas: [], rechazos: [] };
  const rechazar = (item: unknown, motivo: FieldProblem[]): void => {
    const texto = JSON.stringify(item) ?? String(item);
    resultado.rechazos.push({
      topic,
      payload: texto,
      payloadBytes: Buffer.byteLength(texto),
      motivo,
    });
  };
  for (const item of items) {
    const conSerie = conSerieDelTopico(item, opciones.serie);
    if (conSerie.problema) {
      rechazar(item, [conSerie.problema]);
      continue;
    }
    const v = validarLectura(conSerie.item);
    if (v.ok) resultado.lecturas.push(v.lectura);
    else rechazar(item, v.errors);
  }
  return resultado;
}

/** On a serial-carrying topic the payload's serial is optional but must match. */
function conSerieDelTopico(
  item: unknown,
  serie: string | undefined,
): { item: unknown; problema?: FieldProblem } {
  if (serie === undefined || typeof item !== 'object' || item === null || Array.isArray(item)) {
    return { item };
  }
  const propia = (item as Record<string, unknown>).numeroSerie;
  if (propia === undefined) return { item: { ...item, numeroSerie: serie } };
  if (typeof propia === 'string' && propia.trim() === serie) return { item };
  return {
    item,
    problema: { field: 'numeroSerie', reason: `does not match the topic's serial "${serie}"` },
  };
}

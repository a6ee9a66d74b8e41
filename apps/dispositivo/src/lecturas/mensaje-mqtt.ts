import { BATCH_MAX_ITEMS } from '@iot/contracts';
import type { MessageProblem } from '../rechazadas/rechazada';
import { Lectura } from './lectura';
import { validarLectura } from './validar-lectura';

/** What one message holds: the valid readings, and why the rest was refused. */
export interface MensajeInterpretado {
  lecturas: Lectura[];
  /** The array position of each reading (0 for a single object). */
  indices: number[];
  motivos: MessageProblem[];
}

/**
 * Subscription filters; a `+` level carries the device serial
 * (`dispositivos/+/lecturas`). `#` is not allowed: the serial must be exact.
 */
export class TopicosLectura {
  private readonly levels: string[][];

  constructor(readonly filters: string[]) {
    this.levels = filters.map((f) => f.split('/'));
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
    for (const filter of this.levels) {
      if (filter.length !== levels.length) continue;
      if (!filter.every((f, i) => f === '+' || f === levels[i])) continue;
      const at = filter.indexOf('+');
      return at === -1 ? undefined : levels[at];
    }
    return null;
  }
}

const todo = (reason: string): MensajeInterpretado => ({
  lecturas: [],
  indices: [],
  motivos: [{ field: '(payload)', reason }],
});

/**
 * One MQTT message: a reading object or an array of them. Every item is
 * judged on its own, so a bad item never holds back the good ones. Never
 * throws: whatever the bytes, the answer is readings plus reasons.
 */
export function interpretarMensaje(
  payload: Buffer,
  opciones: { maxBytes: number; serie?: string },
): MensajeInterpretado {
  try {
    return interpretar(payload, opciones);
  } catch (error) {
    return todo(`could not be interpreted (${(error as Error).message})`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function interpretar(
  payload: Buffer,
  opciones: { maxBytes: number; serie?: string },
): MensajeInterpretado {
  if (payload.length > opciones.maxBytes) return todo(`exceeds ${opciones.maxBytes} bytes`);
  let texto: string;
  try {
    texto = utf8.decode(payload);
  } catch {
    return todo('is not valid UTF-8');
  }
  let cuerpo: unknown;
  try {
    cuerpo = JSON.parse(texto);
  } catch {
    return todo('is not valid JSON');
  }
  const isBatch = Array.isArray(cuerpo);
  const items: unknown[] = isBatch ? (cuerpo as unknown[]) : [cuerpo];
  if (items.length > BATCH_MAX_ITEMS) return todo(`holds more than ${BATCH_MAX_ITEMS} readings`);

  const resultado: MensajeInterpretado = { lecturas: [], indices: [], motivos: [] };
  items.forEach((item, indice) => {
    const inBatch = isBatch ? { indice } : {};
    const conSerie = conSerieDelTopico(item, opciones.serie);
    if (conSerie.problema) {
      resultado.motivos.push({ ...inBatch, ...conSerie.problema });
      return;
    }
    const v = validarLectura(conSerie.item);
    if (v.ok) {
      resultado.lecturas.push(v.lectura);
      resultado.indices.push(indice);
    } else {
      resultado.motivos.push(...v.errors.map((e) => ({ ...inBatch, ...e })));
    }
  });
  return resultado;
}

/** On a serial-carrying topic the payload's serial is optional but must match. */
function conSerieDelTopico(
  item: unknown,
  serie: string | undefined,
): { item: unknown; problema?: MessageProblem } {
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

import { Injectable } from '@nestjs/common';
import {
  decodeCursor,
  encodeCursor,
  InvalidInputError,
  PayloadTooLargeError,
  ultimaDePagina,
} from '@iot/common';
import {
  LecturaRespuesta,
  BATCH_MAX_ITEMS,
  PaginaLecturas,
  ResultadoItem,
  BatchResult,
} from '@iot/contracts';
import { construirRechazada, MessageProblem } from '../rechazadas/rechazada';
import { RechazadasService } from '../rechazadas/rechazadas.service';
import { ConsultaLecturasDto } from './dto/consulta-lecturas.dto';
import { LecturaEnvioDto } from './dto/lectura-envio.dto';
import { Lectura, toRespuesta } from './lectura';
import { LecturaWriter, Resultado } from './lectura-writer';
import {
  StoreRefusedError,
  LecturaEnConflictoError,
  SerieNoPermitidaError,
} from './lecturas.errors';
import { countLecturas, countRechazos, countRechazosByField, rechazoDe } from './lecturas.metrics';
import { LecturasRepository } from './lecturas.repository';
import { interpretarMensaje } from './mensaje-mqtt';
import { aLectura, validarLectura } from './validar-lectura';

export interface EnvioResultado {
  nueva: boolean;
  lectura: LecturaRespuesta;
}

/** A message as a transport received it. `serie`: from the topic; null when the topic is not a reading topic. */
export interface MensajeRecibido {
  topic: string;
  payload: Buffer;
  serie: string | null | undefined;
  maxBytes: number;
}

/** What became of one message; everything in it is committed (readings and dead letter). */
export interface MensajeIngerido {
  stored: number;
  duplicate: number;
  /** Reasons in its dead letter (refused items, conflicts); 0 when it had none. */
  rejected: number;
}

/**
 * The ingest use case for every transport: validation, idempotency, conflicts
 * and dead letters are decided here; transports only translate.
 */
@Injectable()
export class LecturasService {
  constructor(
    private readonly writer: LecturaWriter,
    private readonly repository: LecturasRepository,
    private readonly rechazadas: RechazadasService,
  ) {}

  /**
   * Stores one reading; a re-send is answered with the stored one, a changed value is a conflict.
   * `series`: the serials the caller's key is bound to (absent: any).
   */
  async record(dto: LecturaEnvioDto, series?: readonly string[]): Promise<EnvioResultado> {
    if (series && !series.includes(dto.numeroSerie)) {
      countLecturas('http', 'rejected');
      countRechazos('http', 'not_allowed');
      throw new SerieNoPermitidaError(dto.numeroSerie);
    }
    const [resultado] = await this.writer.write([aLectura(dto)]);
    countLecturas('http', resultado.estado);
    const lectura = toRespuesta(resultado.guardada);
    if (resultado.estado === 'conflict') {
      throw new LecturaEnConflictoError(lectura, resultado.valorRecibido);
    }
    return { nueva: resultado.estado === 'stored', lectura };
  }

  /** Validates each item on its own; the valid ones are written in one transaction. */
  async recordBatch(body: unknown, series?: readonly string[]): Promise<BatchResult> {
    if (!Array.isArray(body)) {
      throw new InvalidInputError([
        { field: '(body)', reason: 'must be a JSON array of readings' },
      ]);
    }
    if (body.length > BATCH_MAX_ITEMS) {
      throw new PayloadTooLargeError(
        `A batch holds at most ${BATCH_MAX_ITEMS} readings; this one has ${body.length}`,
      );
    }
    const items: ResultadoItem[] = new Array<ResultadoItem>(body.length);
    const validas: Lectura[] = [];
    const indices: number[] = [];
    body.forEach((raw, indice) => {
      const v = validarLectura(raw);
      if (v.ok && series && !series.includes(v.lectura.numeroSerie)) {
        items[indice] = { indice, estado: 'rejected', errors: [FUERA_DE_ALCANCE] };
      } else if (v.ok) {
        validas.push(v.lectura);
        indices.push(indice);
      } else {
        items[indice] = { indice, estado: 'rejected', errors: v.errors };
      }
    });
    const resultados = await this.writer.write(validas);
    resultados.forEach((r, k) => {
      const indice = indices[k];
      const idDispositivo = r.guardada.id;
      items[indice] =
        r.estado === 'conflict'
          ? {
              indice,
              estado: r.estado,
              idDispositivo,
              valorAlmacenado: r.guardada.valorVariable,
              valorRecibido: r.valorRecibido,
            }
          : { indice, estado: r.estado, idDispositivo };
    });
    const cuenta = { stored: 0, duplicate: 0, conflict: 0, rejected: 0 };
    for (const item of items) {
      cuenta[item.estado]++;
      if (item.estado === 'rejected') {
        const first = item.errors[0];
        countRechazos('http', first === FUERA_DE_ALCANCE ? 'not_allowed' : rechazoDe(first.field));
      }
    }
    for (const estado of ['stored', 'duplicate', 'conflict', 'rejected'] as const) {
      countLecturas('http', estado, cuenta[estado]);
    }
    return { ...cuenta, items };
  }

  /**
   * One MQTT message: its valid readings and, when anything was refused or in
   * conflict, its dead letter, committed in one transaction. A message the
   * database refuses outright (not a passing outage) is dead-lettered with the
   * database's reason. Rejects only with StoreUnavailableError (retry later).
   */
  async ingestMessage(m: MensajeRecibido): Promise<MensajeIngerido> {
    const { lecturas, indices, motivos } =
      m.serie === null
        ? {
            lecturas: [],
            indices: [],
            motivos: [{ field: '(topic)', reason: 'is not one of the configured reading topics' }],
          }
        : interpretarMensaje(m.payload, { maxBytes: m.maxBytes, serie: m.serie });
    let rejected = motivos.length;
    // called once per flush attempt for every message: allocates only when there is something to say
    const rechazada = (resultados: Resultado[]) => {
      const enConflicto = conflictos(resultados, indices);
      rejected = motivos.length + enConflicto.length;
      if (rejected === 0) return undefined;
      return construirRechazada(m.topic, m.payload, [...motivos, ...enConflicto]);
    };
    try {
      const resultados = await this.writer.write(lecturas, rechazada);
      let stored = 0;
      let duplicate = 0;
      for (const r of resultados) {
        if (r.estado === 'stored') stored++;
        else if (r.estado === 'duplicate') duplicate++;
      }
      countLecturas('mqtt', 'stored', stored);
      countLecturas('mqtt', 'duplicate', duplicate);
      countLecturas('mqtt', 'rejected', rejected);
      countRechazosByField('mqtt', motivos);
      countRechazos('mqtt', 'conflict', rejected - motivos.length);
      return { stored, duplicate, rejected };
    } catch (error) {
      if (!(error instanceof StoreRefusedError)) throw error;
      return this.rejectMessage(m.topic, m.payload, [
        { field: '(database)', reason: error.message },
      ]);
    }
  }

  /** Dead-letters a whole message on its own (the last resort of a transport). */
  async rejectMessage(
    topic: string,
    payload: Buffer,
    motivos: MessageProblem[],
  ): Promise<MensajeIngerido> {
    await this.rechazadas.save(construirRechazada(topic, payload, motivos));
    countLecturas('mqtt', 'rejected', motivos.length);
    countRechazosByField('mqtt', motivos);
    return { stored: 0, duplicate: 0, rejected: motivos.length };
  }

  async findPage(q: ConsultaLecturasDto): Promise<PaginaLecturas> {
    const limite = q.limite ?? 100;
    const filas = await this.repository.findPage({
      numeroSerie: q.numeroSerie,
      nombreVariable: q.nombreVariable,
      desde: q.desde,
      hasta: q.hasta,
      despuesDe: q.despuesDe ? decodeCursor(q.despuesDe) : undefined,
      limite,
    });
    const ultima = ultimaDePagina(filas, limite);
    return { lecturas: filas.map(toRespuesta), siguiente: ultima ? encodeCursor(ultima) : null };
  }
}

const NINGUNO: MessageProblem[] = [];

const FUERA_DE_ALCANCE = { field: 'numeroSerie', reason: 'is not bound to this API key' };

function conflictos(resultados: Resultado[], indices: number[]): MessageProblem[] {
  let found: MessageProblem[] | undefined;
  resultados.forEach((r, k) => {
    if (r.estado !== 'conflict') return;
    (found ??= []).push({
      indice: indices[k],
      field: 'valorVariable',
      reason: `${r.valorRecibido} conflicts with the stored value ${r.guardada.valorVariable} (id ${r.guardada.id})`,
    });
  });
  return found ?? NINGUNO;
}

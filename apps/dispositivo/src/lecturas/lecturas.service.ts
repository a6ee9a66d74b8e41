import { Injectable } from '@nestjs/common';
import { InvalidInputError, PayloadTooLargeError } from '@iot/common';
import {
  LecturaRespuesta,
  LOTE_MAX_ITEMS,
  PaginaLecturas,
  ResultadoItem,
  ResultadoLote,
} from '@iot/contracts';
import { decodeCursor, encodeCursor } from './cursor';
import { ConsultaLecturasDto } from './dto/consulta-lecturas.dto';
import { LecturaEnvioDto } from './dto/lectura-envio.dto';
import { Lectura, toRespuesta } from './lectura';
import { LecturaWriter } from './lectura-writer';
import { LecturaEnConflictoError } from './lecturas.errors';
import { LecturasRepository } from './lecturas.repository';
import { aLectura, validarLectura } from './validar-lectura';

export interface EnvioResultado {
  nueva: boolean;
  lectura: LecturaRespuesta;
}

@Injectable()
export class LecturasService {
  constructor(
    private readonly writer: LecturaWriter,
    private readonly repository: LecturasRepository,
  ) {}

  /** Stores one reading; a re-send is answered with the stored one, a changed value is a conflict. */
  async registrar(dto: LecturaEnvioDto): Promise<EnvioResultado> {
    const [resultado] = await this.writer.write([aLectura(dto)]);
    const lectura = toRespuesta(resultado.guardada);
    if (resultado.estado === 'conflict') {
      throw new LecturaEnConflictoError(lectura, resultado.valorRecibido);
    }
    return { nueva: resultado.estado === 'stored', lectura };
  }

  /** Validates each item on its own; the valid ones are written in one statement. */
  async registrarLote(body: unknown): Promise<ResultadoLote> {
    if (!Array.isArray(body)) {
      throw new InvalidInputError([
        { field: '(body)', reason: 'must be a JSON array of readings' },
      ]);
    }
    if (body.length > LOTE_MAX_ITEMS) {
      throw new PayloadTooLargeError(
        `A batch holds at most ${LOTE_MAX_ITEMS} readings; this one has ${body.length}`,
      );
    }
    const items: ResultadoItem[] = new Array<ResultadoItem>(body.length);
    const validas: Lectura[] = [];
    const indices: number[] = [];
    body.forEach((raw, indice) => {
      const v = validarLectura(raw);
      if (v.ok) {
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
    for (const item of items) cuenta[item.estado]++;
    return { ...cuenta, items };
  }

  async consultar(q: ConsultaLecturasDto): Promise<PaginaLecturas> {
    const limite = q.limite ?? 100;
    const filas = await this.repository.findPagina({
      numeroSerie: q.numeroSerie,
      nombreVariable: q.nombreVariable,
      desde: q.desde,
      hasta: q.hasta,
      despuesDe: q.despuesDe ? decodeCursor(q.despuesDe) : undefined,
      limite,
    });
    const ultima = filas.length === limite ? filas[filas.length - 1] : undefined;
    return { lecturas: filas.map(toRespuesta), siguiente: ultima ? encodeCursor(ultima) : null };
  }
}

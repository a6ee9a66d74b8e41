import { FinExportacion, PuntoControl } from '@iot/contracts';
import { Injectable } from '@nestjs/common';
import { encodeExportCursor, ExportCursor } from './export-cursor';
import { ExportacionRepository } from './exportacion.repository';

/** Rows fetched per query while streaming: memory stays flat however many match. */
const PAGE = 2000;

@Injectable()
export class ExportacionService {
  constructor(private readonly repository: ExportacionRepository) {}

  /**
   * NDJSON lines: one reading per line in (xid, id) order, up to `limite`,
   * only below the horizon, a PuntoControl line after every page, then one
   * FinExportacion line. Readings after the last checkpoint a client got are
   * not complete: it must not advance past that checkpoint.
   */
  async stream(
    variables: string[],
    after: ExportCursor,
    limite: number,
    consumidor?: string,
  ): Promise<AsyncGenerator<string>> {
    // before the first byte: a database that is down is a 503, not a cut stream
    const ids = await this.repository.findVariableIds(variables, consumidor !== undefined);
    if (consumidor !== undefined) await this.repository.saveConsumidor(consumidor, ids, after);
    const horizon = await this.repository.findHorizon();
    return this.lines(ids, after, limite, horizon);
  }

  private async *lines(
    variables: number[],
    after: ExportCursor,
    limite: number,
    horizon: string,
  ): AsyncGenerator<string> {
    let cursor = after;
    let enviadas = 0;
    let completo = false;
    while (enviadas < limite) {
      const want = Math.min(PAGE, limite - enviadas);
      const page = await this.repository.findExportPage(variables, cursor, horizon, want);
      if (page.filas > 0) {
        cursor = page.ultima;
        enviadas += page.filas;
        const punto: PuntoControl = { siguiente: encodeExportCursor(cursor) };
        yield `${page.lineas}${JSON.stringify(punto)}\n`;
      }
      if (page.filas < want) {
        completo = true;
        break;
      }
    }
    const lag = await this.repository.findLag(variables, cursor);
    const fin: FinExportacion = {
      siguiente: encodeExportCursor(cursor),
      completo,
      enviadas,
      pendientes: lag.pendientes,
      retrasoSegundos: lag.retrasoSegundos,
    };
    yield `${JSON.stringify(fin)}\n`;
  }

  /** The original `/solicitud`: a JSON array, by id, streamed page by page. */
  async *solicitud(nombreVariable: string, afterId: number): AsyncGenerator<string> {
    yield '[';
    let cursor = afterId;
    let first = true;
    for (;;) {
      const page = await this.repository.findNewerThan(nombreVariable, cursor, PAGE);
      if (page.lineas.length > 0) {
        const text = page.lineas.join(',');
        yield first ? text : `,${text}`;
        first = false;
        cursor = page.ultimo;
      }
      if (page.lineas.length < PAGE) break;
    }
    yield ']';
  }
}

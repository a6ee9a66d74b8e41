import { Injectable } from '@nestjs/common';
import { toRespuesta } from '../lecturas/lectura';
import { encodeExportCursor, ExportCursor } from './export-cursor';
import { ExportacionRepository } from './exportacion.repository';

/** Rows fetched per query while streaming: memory stays flat however many match. */
const PAGE = 2000;

/** The last line of an export: where to resume, and whether it reached the horizon. */
export interface FinExportacion {
  siguiente: string;
  /** True when nothing more is exportable now (fewer rows than `limite` were left). */
  completo: boolean;
  enviadas: number;
}

@Injectable()
export class ExportacionService {
  constructor(private readonly repository: ExportacionRepository) {}

  /**
   * NDJSON lines: one reading per line in (xid, id) order, up to `limite`,
   * only below the horizon, then one FinExportacion line. A client that did
   * not get the last line must not trust (or advance past) what it got.
   */
  async exportar(
    variables: string[],
    after: ExportCursor,
    limite: number,
  ): Promise<AsyncGenerator<string>> {
    // before the first byte: a database that is down is a 503, not a cut stream
    const horizon = await this.repository.findHorizon();
    return this.lines(variables, after, limite, horizon);
  }

  private async *lines(
    variables: string[],
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
      if (page.length > 0) {
        yield page.map((l) => `${JSON.stringify(toRespuesta(l))}\n`).join('');
        const last = page[page.length - 1];
        cursor = { xid: last.xid, id: last.id };
        enviadas += page.length;
      }
      if (page.length < want) {
        completo = true;
        break;
      }
    }
    const fin: FinExportacion = { siguiente: encodeExportCursor(cursor), completo, enviadas };
    yield `${JSON.stringify(fin)}\n`;
  }

  /** The original `/solicitud`: a JSON array, by id, streamed page by page. */
  async *solicitud(nombreVariable: string, afterId: number): AsyncGenerator<string> {
    yield '[';
    let cursor = afterId;
    let first = true;
    for (;;) {
      const page = await this.repository.findNewerThan(nombreVariable, cursor, PAGE);
      if (page.length > 0) {
        const text = page.map((l) => JSON.stringify(toRespuesta(l))).join(',');
        yield first ? text : `,${text}`;
        first = false;
        cursor = page[page.length - 1].id;
      }
      if (page.length < PAGE) break;
    }
    yield ']';
  }
}

import {
  FinExportacion,
  NUMERO_SERIE_MAX_LENGTH,
  NUMERO_SERIE_PATTERN,
  valorEnRango,
} from '@iot/contracts';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Observable } from 'rxjs';
import { Batch, copyRow, diaDe, LecturaFacturable } from './batch';

/** A batch handed downstream; `release()` once it is written lets the stream flow again. */
export interface BatchInFlight extends Batch {
  release(): void;
}

export interface NdjsonBatchesOptions {
  /** The variable asked for: every reading must be of it. */
  variable: string;
  /** Emit a batch at the first checkpoint at or after this many readings. */
  batchRows: number;
  /** Batches emitted and not yet released before the stream is paused. */
  maxPending: number;
  /** Silence from the server (while not paused by us) longer than this fails the stream. */
  idleTimeoutMs: number;
}

/** The export broke its contract, was cut, or went silent: nothing after the last checkpoint counts. */
export class ExportacionInterrumpidaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportacionInterrumpidaError';
  }
}

const MAX_LINE = 64 * 1024;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * dispositivo's NDJSON export as an Observable of batches, with backpressure:
 * once `maxPending` batches are out and not released, the response is paused,
 * so the socket's buffers fill and dispositivo stops reading its database.
 * RxJS alone cannot do this (concatMap buffers whatever the source pushes);
 * the release callback is the credit that resumes the flow.
 */
export function ndjsonBatches(
  stream: Readable,
  options: NdjsonBatchesOptions,
): Observable<BatchInFlight> {
  return new Observable<BatchInFlight>((subscriber) => {
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let rows: string[] = [];
    let dias = new Set<string>();
    let primera: string | undefined;
    let ultima: string | undefined;
    let pending = 0;
    let fin: FinExportacion | undefined;
    let idle: NodeJS.Timeout | undefined;
    let failed = false;
    let failure: ExportacionInterrumpidaError | undefined;

    const fail = (message: string): void => {
      if (failed) return;
      failed = true;
      clearTimeout(idle);
      stream.destroy();
      failure = new ExportacionInterrumpidaError(message);
      // complete batches already handed out are saved first (their cursor moves with them):
      // erroring now would drop a save in flight from the run's count and race its commit
      if (pending === 0) subscriber.error(failure);
    };
    const armIdle = (): void => {
      clearTimeout(idle);
      if (!stream.isPaused()) {
        idle = setTimeout(
          () => fail(`dispositivo sent nothing for ${options.idleTimeoutMs} ms`),
          options.idleTimeoutMs,
        );
      }
    };
    const emit = (siguiente: string, last?: FinExportacion): void => {
      const batch: Batch = {
        copy: rows.join(''),
        filas: rows.length,
        primera,
        ultima,
        siguiente,
        fin: last,
        dias,
      };
      rows = [];
      dias = new Set();
      primera = ultima = undefined;
      pending++;
      if (pending >= options.maxPending) stream.pause();
      let released = false;
      subscriber.next({
        ...batch,
        release: () => {
          if (released) return;
          released = true;
          pending--;
          if (failure) {
            if (pending === 0) subscriber.error(failure);
            return;
          }
          if (pending < options.maxPending && stream.isPaused() && !stream.destroyed) {
            stream.resume();
            armIdle();
          }
        },
      });
    };
    const line = (text: string): void => {
      if (fin) return fail('the export went on after its last line');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return fail(`the export sent a line that is not JSON: ${text.slice(0, 80)}`);
      }
      let lectura: LecturaFacturable | undefined;
      try {
        lectura = aLectura(value, options.variable);
      } catch (error) {
        return fail((error as Error).message);
      }
      if (lectura) {
        rows.push(copyRow(lectura));
        dias.add(diaDe(lectura));
        const t = lectura.estampaTiempo;
        if (primera === undefined || t < primera) primera = t;
        if (ultima === undefined || t > ultima) ultima = t;
        return;
      }
      const punto = value as Partial<FinExportacion> | null;
      if (typeof punto?.siguiente !== 'string') {
        return fail(`the export sent an unexpected line: ${text.slice(0, 80)}`);
      }
      if (typeof punto.completo === 'boolean') {
        fin = punto as FinExportacion;
        emit(punto.siguiente, fin);
        return;
      }
      if (rows.length >= options.batchRows) emit(punto.siguiente);
    };

    stream.on('data', (chunk: Buffer) => {
      if (failed) return;
      clearTimeout(idle);
      carry += decoder.write(chunk);
      let start = 0;
      for (let nl = carry.indexOf('\n'); nl !== -1; nl = carry.indexOf('\n', start)) {
        line(carry.slice(start, nl));
        if (failed) return;
        start = nl + 1;
      }
      carry = carry.slice(start);
      if (carry.length > MAX_LINE) fail(`the export sent a line longer than ${MAX_LINE} bytes`);
      // after the lines: a batch may just have paused the stream, and a paused stream is not idle
      else armIdle();
    });
    stream.on('end', () => {
      clearTimeout(idle);
      if (failed) return;
      if (!fin) return fail('the export ended before its last line (cut short)');
      subscriber.complete();
    });
    stream.on('error', (error: Error) => fail(`the export stream failed: ${error.message}`));
    stream.on('close', () => {
      if (!fin) fail('the export connection closed before its last line');
    });
    armIdle();
    return () => {
      clearTimeout(idle);
      if (!stream.destroyed) stream.destroy();
    };
  });
}

/** A reading line of the asked variable, checked so it is safe to COPY; undefined if not a reading. */
function aLectura(value: unknown, variable: string): LecturaFacturable | undefined {
  const v = value as Record<string, unknown> | null;
  if (v === null || typeof v !== 'object' || !('idDispositivo' in v)) return undefined;
  const { idDispositivo, numeroSerie, estampaTiempo, valorVariable, nombreVariable } = v;
  if (
    nombreVariable !== variable ||
    !Number.isSafeInteger(idDispositivo) ||
    (idDispositivo as number) < 1 ||
    typeof numeroSerie !== 'string' ||
    numeroSerie.length > NUMERO_SERIE_MAX_LENGTH ||
    !NUMERO_SERIE_PATTERN.test(numeroSerie) ||
    typeof estampaTiempo !== 'string' ||
    !ISO_UTC.test(estampaTiempo) ||
    typeof valorVariable !== 'number' ||
    !Number.isFinite(valorVariable) ||
    !valorEnRango(valorVariable)
  ) {
    throw new ExportacionInterrumpidaError(
      `the export sent an invalid reading: ${JSON.stringify(value).slice(0, 120)}`,
    );
  }
  return { idDispositivo: idDispositivo as number, numeroSerie, estampaTiempo, valorVariable };
}

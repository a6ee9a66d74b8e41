import { PassThrough, Readable } from 'node:stream';
import { lastValueFrom, toArray } from 'rxjs';
import { lecturasDe } from './batch';
import { ExportacionInterrumpidaError, BatchInFlight, ndjsonBatches } from './ndjson-batches';

const lectura = (id: number, extra: object = {}): string =>
  JSON.stringify({
    idDispositivo: id,
    nombreVariable: 'voltaje',
    numeroSerie: 'S1',
    estampaTiempo: new Date(1_700_000_000_000 + id).toISOString(),
    valorVariable: id / 2,
    ...extra,
  });
const punto = (n: number): string => JSON.stringify({ siguiente: `c${n}` });
const fin = (n: number): string =>
  JSON.stringify({
    siguiente: `c${n}`,
    completo: true,
    enviadas: n,
    pendientes: 0,
    retrasoSegundos: 0,
  });

/** An export of `total` readings with a checkpoint every `page`, generated lazily. */
function exportacion(total: number, page: number, made: { lines: number }, end = true): Readable {
  return Readable.from(
    (function* () {
      for (let id = 1; id <= total; id++) {
        made.lines++;
        yield `${lectura(id)}\n${id % page === 0 ? `${punto(id)}\n` : ''}`;
      }
      if (end) yield `${fin(total)}\n`;
    })(),
  );
}

const options = { variable: 'voltaje', batchRows: 5, maxPending: 2, idleTimeoutMs: 1000 };

describe('ndjsonBatches', () => {
  it('cuts batches at the first checkpoint past batchRows; the last carries the end line', async () => {
    const batches = await lastValueFrom(
      ndjsonBatches(exportacion(23, 3, { lines: 0 }), { ...options, maxPending: 100 }).pipe(
        toArray(),
      ),
    );
    batches.forEach((l) => l.release());
    expect(batches.map((l) => [l.filas, l.siguiente])).toEqual([
      [6, 'c6'],
      [6, 'c12'],
      [6, 'c18'],
      [5, 'c23'],
    ]);
    expect(batches[3].fin?.completo).toBe(true);
    // the rows travel as checked COPY text, with the batch's time range
    expect(batches[0].copy.split('\n')[0]).toBe(
      `1\tS1\t${new Date(1_700_000_000_001).toISOString()}\t0.5`,
    );
    expect([batches[0].primera, batches[0].ultima]).toEqual([
      new Date(1_700_000_000_001).toISOString(),
      new Date(1_700_000_000_006).toISOString(),
    ]);
    expect(batches.flatMap((l) => lecturasDe(l).map((r) => r.idDispositivo))).toEqual(
      Array.from({ length: 23 }, (_, i) => i + 1),
    );
  });

  it('pauses the source while batches are not released, and resumes on release', async () => {
    const made = { lines: 0 };
    const held: BatchInFlight[] = [];
    let done = false;
    ndjsonBatches(exportacion(200_000, 5, made), { ...options, idleTimeoutMs: 60_000 }).subscribe({
      next: (l) => held.push(l),
      complete: () => (done = true),
    });
    await new Promise((r) => setTimeout(r, 200));
    // two batches of 5 out, then the stream stops: only stream buffers' worth was read
    expect(held.length).toBeGreaterThanOrEqual(2);
    expect(made.lines).toBeLessThan(2_000);
    const stalled = made.lines;
    await new Promise((r) => setTimeout(r, 100));
    expect(made.lines).toBe(stalled);
    while (!done) {
      held.splice(0).forEach((l) => l.release());
      await new Promise((r) => setImmediate(r));
    }
    expect(made.lines).toBe(200_000);
  });

  it('fails a stream cut before its last line, having emitted only checkpointed batches', async () => {
    const seen: number[] = [];
    const error = await new Promise((resolve) =>
      ndjsonBatches(exportacion(13, 5, { lines: 0 }, false), options).subscribe({
        next: (l) => {
          seen.push(...lecturasDe(l).map((r) => r.idDispositivo));
          l.release();
        },
        error: resolve,
      }),
    );
    expect(error).toBeInstanceOf(ExportacionInterrumpidaError);
    expect((error as Error).message).toContain('before its last line');
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it.each([
    ['another variable', lectura(1, { nombreVariable: 'corriente' })],
    ['a serial with a tab', lectura(1, { numeroSerie: 'S\t1' })],
    ['a non-finite value', lectura(1, { valorVariable: '1e999' })],
    ['a value beyond ±1e15', lectura(1, { valorVariable: 1e200 })],
    ['a local timestamp', lectura(1, { estampaTiempo: '2025-01-01T00:00:00+02:00' })],
    ['an unsafe id', lectura(1, { idDispositivo: 2 ** 53 })],
    ['not JSON', '{"idDispositivo":'],
    ['an unknown line', '{"hola":1}'],
  ])('refuses %s', async (_why, line) => {
    const error = await lastValueFrom(
      ndjsonBatches(Readable.from([`${line}\n${fin(1)}\n`]), options),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportacionInterrumpidaError);
  });

  it('fails when dispositivo goes silent, but not while it is paused by us', async () => {
    const source = new PassThrough();
    const held: BatchInFlight[] = [];
    let error: unknown;
    ndjsonBatches(source, {
      ...options,
      batchRows: 1,
      maxPending: 1,
      idleTimeoutMs: 100,
    }).subscribe({
      next: (l) => held.push(l),
      error: (e: unknown) => (error = e),
    });
    source.write(`${lectura(1)}\n${punto(1)}\n`);
    await new Promise((r) => setTimeout(r, 300)); // paused with a batch out: no timeout
    expect(error).toBeUndefined();
    held[0].release(); // flowing again and silent: times out
    await new Promise((r) => setTimeout(r, 300));
    expect((error as Error).message).toContain('sent nothing for 100 ms');
  });
});

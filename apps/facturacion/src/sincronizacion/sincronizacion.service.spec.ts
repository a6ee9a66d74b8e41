import { configureLogging } from '@iot/common';
import type http from 'node:http';
import { Readable } from 'node:stream';
import { DispositivoClient, DispositivoError } from '../dispositivo/dispositivo.client';
import { Batch, lecturasDe } from './batch';
import { SincronizacionConfig } from './sincronizacion.config';
import { SincronizacionService } from './sincronizacion.service';
import {
  EstadoSincronizacion,
  ResultadoVariable,
  SincronizacionesRepository,
} from './sincronizaciones.repository';
import {
  CursorMovidoError,
  VariablesFacturadasRepository,
} from './variables-facturadas.repository';

/** dispositivo's export of `total` readings of one variable, cursors `c<id>`, scripted faults. */
class FakeDispositivo {
  calls = 0;
  constructor(
    private readonly total: number,
    /** What the n-th request does (default: answer normally). */
    private readonly script: Array<'refuse' | 'forbid' | 'cut'> = [],
    /** The whole answer in one chunk: a cut then ends the stream while a batch is being saved. */
    private readonly deUnaVez = false,
  ) {}

  openExport(_variable: string, despuesDe: string | null, limite: number): Promise<Readable> {
    const fault = this.script[this.calls++];
    if (fault === 'refuse') return Promise.reject(new DispositivoError('ECONNREFUSED', true));
    if (fault === 'forbid') return Promise.reject(new DispositivoError('403 forbidden', false));
    const from = despuesDe ? Number(despuesDe.slice(1)) : 0;
    const to = Math.min(this.total, from + limite);
    const lines: string[] = [];
    for (let id = from + 1; id <= to; id++) {
      lines.push(
        JSON.stringify({
          idDispositivo: id,
          nombreVariable: 'voltaje',
          numeroSerie: 'S1',
          estampaTiempo: new Date(1_700_000_000_000 + id * 1000).toISOString(),
          valorVariable: 220,
        }),
        JSON.stringify({ siguiente: `c${id}` }),
      );
      // a cut: the connection drops half-way, without the last line
      if (fault === 'cut' && id === from + Math.ceil((to - from) / 2))
        return Promise.resolve(slowly(lines));
    }
    const completo = to === this.total;
    lines.push(
      JSON.stringify({
        siguiente: `c${to}`,
        completo,
        enviadas: to - from,
        pendientes: this.total - to,
        retrasoSegundos: 0,
      }),
    );
    return Promise.resolve(this.answer(lines));
  }

  private answer(lines: string[]): Readable {
    return this.deUnaVez ? Readable.from([lines.join('\n') + '\n']) : slowly(lines);
  }
}

/** Line by line, a turn of the event loop apart, as a network delivers them. */
function slowly(lines: string[]): Readable {
  return Readable.from(
    (async function* () {
      for (const line of lines) {
        yield `${line}\n`;
        await new Promise((r) => setImmediate(r));
      }
    })(),
  );
}

/** The per-variable tables: rows by reading id, the cursor moved only from the expected value. */
class MemoryTablas {
  cursors = new Map<string, string | null>();
  rows = new Map<number, number>();
  /** Moves the cursor behind the run's back before the n-th batch (another writer). */
  interfereAt?: number;
  /** A save takes this long (a database commit), so a stream may end while one is in flight. */
  demoraMs = 0;
  private batches = 0;

  ensureTable(nombre: string): Promise<string | null> {
    if (!this.cursors.has(nombre)) this.cursors.set(nombre, null);
    return Promise.resolve(this.cursors.get(nombre)!);
  }

  findCursor(nombre: string): Promise<string | null | undefined> {
    return Promise.resolve(this.cursors.get(nombre));
  }

  async saveBatch(nombre: string, anterior: string | null, batch: Batch): Promise<number> {
    if (this.demoraMs) await new Promise((r) => setTimeout(r, this.demoraMs));
    return this.guardar(nombre, anterior, batch);
  }

  private guardar(nombre: string, anterior: string | null, batch: Batch): Promise<number> {
    if (++this.batches === this.interfereAt) this.cursors.set(nombre, 'c999999');
    if (this.cursors.get(nombre) !== anterior) return Promise.reject(new CursorMovidoError(nombre));
    let stored = 0;
    for (const l of lecturasDe(batch)) {
      if (this.rows.has(l.idDispositivo)) continue;
      this.rows.set(l.idDispositivo, l.valorVariable);
      stored++;
    }
    this.cursors.set(nombre, batch.siguiente);
    return Promise.resolve(stored);
  }
}

class MemoryRuns {
  locked = false;
  runs: Array<{
    id: number;
    estado: EstadoSincronizacion;
    variables?: object;
    error?: string | null;
  }> = [];

  tryLock() {
    if (this.locked) return Promise.resolve(undefined);
    this.locked = true;
    return Promise.resolve({ release: () => Promise.resolve(void (this.locked = false)) });
  }
  markInterrupted(): Promise<void> {
    return Promise.resolve();
  }
  start(): Promise<number> {
    const id = this.runs.length + 1;
    this.runs.push({ id, estado: 'en_curso' });
    return Promise.resolve(id);
  }
  finish(
    id: number,
    estado: EstadoSincronizacion,
    variables: Record<string, ResultadoVariable>,
    error: string | null,
  ): Promise<void> {
    Object.assign(this.runs[id - 1], { estado, variables, error });
    return Promise.resolve();
  }
  findRunning(): Promise<number | undefined> {
    return Promise.resolve(this.runs.find((r) => r.estado === 'en_curso')?.id);
  }
}

const config: SincronizacionConfig = {
  variables: ['voltaje'],
  dispositivoApiKey: 'k',
  parallel: 1,
  batchRows: 5,
  requestRows: 10,
  timeoutMs: 2000,
  retries: 2,
  retryDelayMs: 1,
};

async function run(dispositivo: FakeDispositivo, tablas = new MemoryTablas()) {
  const runs = new MemoryRuns();
  const service = new SincronizacionService(
    config,
    runs as unknown as SincronizacionesRepository,
    tablas as unknown as VariablesFacturadasRepository,
    dispositivo as unknown as DispositivoClient & {
      openExport(): Promise<http.IncomingMessage>;
    },
  );
  const started = await service.start('manual');
  while (service.status().enCurso !== null) await new Promise((r) => setTimeout(r, 5));
  return { service, runs, tablas, started, last: runs.runs.at(-1)! };
}

describe('SincronizacionService (in-memory repositories, scripted dispositivo)', () => {
  beforeAll(() => configureLogging({ service: 'test', level: 'silent' }));

  it('pulls every reading once, request after request, and records the run', async () => {
    const d = new FakeDispositivo(23);
    const { tablas, last, started } = await run(d);
    expect(started).toEqual({ id: 1, nueva: true });
    expect(tablas.rows.size).toBe(23);
    expect(tablas.cursors.get('voltaje')).toBe('c23');
    expect(d.calls).toBe(3); // 10 + 10 + 3
    expect(last).toMatchObject({ estado: 'completada', error: null });
    expect(last.variables).toEqual({ voltaje: { filas: 23, pendientes: 0, retrasoSegundos: 0 } });
  });

  it('retries a retryable failure with backoff and completes', async () => {
    const d = new FakeDispositivo(7, ['refuse', 'refuse']);
    const { tablas, last } = await run(d);
    expect(d.calls).toBe(3);
    expect(tablas.rows.size).toBe(7);
    expect(last.estado).toBe('completada');
  });

  it('gives up after `retries` failed attempts in a row, and says dispositivo is degraded', async () => {
    const d = new FakeDispositivo(7, ['refuse', 'refuse', 'refuse', 'refuse']);
    const { last, service } = await run(d);
    expect(d.calls).toBe(config.retries + 1);
    expect(last).toMatchObject({ estado: 'fallida', error: 'voltaje: ECONNREFUSED' });
    expect(service.status()).toMatchObject({ dispositivo: 'degradado', fallosSeguidos: 1 });
  });

  it('does not retry what retrying cannot fix (403)', async () => {
    const d = new FakeDispositivo(7, ['forbid']);
    const { last } = await run(d);
    expect(d.calls).toBe(1);
    expect(last.estado).toBe('fallida');
  });

  it('resets the retry budget when an attempt made progress: cut streams still get everything', async () => {
    // four cuts in a row, more than `retries`, but each one stored something
    const d = new FakeDispositivo(40, ['cut', 'cut', 'cut', 'cut']);
    const { tablas, last } = await run(d);
    expect(last.estado).toBe('completada');
    expect(tablas.rows.size).toBe(40);
    expect([...tablas.rows.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });

  it('counts a batch saved while its stream is cut as progress (the cut waits for the save)', async () => {
    // each attempt: one complete batch, then the connection drops in the same chunk
    const d = new FakeDispositivo(40, ['cut', 'cut', 'cut', 'cut'], true);
    const lentas = new MemoryTablas();
    lentas.demoraMs = 30;
    const { tablas, last } = await run(d, lentas);
    expect(last.estado).toBe('completada');
    expect(tablas.rows.size).toBe(40);
    expect((last.variables as Record<string, { filas: number }>).voltaje.filas).toBe(40);
  });

  it('stops when the cursor moved behind its back (compare-and-set), storing nothing twice', async () => {
    const tablas = new MemoryTablas();
    tablas.interfereAt = 2;
    const { last } = await run(new FakeDispositivo(23), tablas);
    expect(last.estado).toBe('fallida');
    expect(last.error).toMatch(/cursor of voltaje was moved/);
    expect(tablas.rows.size).toBe(5); // the first batch only
  });

  it('skips a cron tick while another instance holds the lock', async () => {
    const runs = new MemoryRuns();
    runs.locked = true;
    const service = new SincronizacionService(
      config,
      runs as unknown as SincronizacionesRepository,
      new MemoryTablas() as unknown as VariablesFacturadasRepository,
      new FakeDispositivo(1) as unknown as DispositivoClient,
    );
    expect(await service.start('cron')).toBeUndefined();
    expect(runs.runs).toHaveLength(0);
  });
});

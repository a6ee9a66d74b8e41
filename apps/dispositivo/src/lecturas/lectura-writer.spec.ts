import { configureLogging } from '@iot/common';
import type { Queryable } from '@iot/database';
import type { PoolClient } from 'pg';
import type { Rechazada } from '../rechazadas/rechazada';
import type { RechazadasRepository } from '../rechazadas/rechazadas.repository';
import { claveLectura, Lectura, LecturaGuardada } from './lectura';
import { LecturaWriter, Resultado } from './lectura-writer';
import { StoreRefusedError, StoreUnavailableError } from './lecturas.errors';
import { DuplicateKeyError, LecturasRepository } from './lecturas.repository';

/** A statement's answer, one turn later (a throw becomes a rejection, as from the driver). */
const later = <T>(work: () => T): Promise<T> => Promise.resolve().then(work);

/**
 * The writer's rules against an in-memory store with PostgreSQL's semantics
 * where they matter: a transaction rolls back whole, COPY and the all-new
 * insert fail whole on a stored key, and a reading named `veneno` is refused
 * for good (a data error) while `caida` makes the store unreachable.
 */
class MemoryStore {
  rows = new Map<string, LecturaGuardada>();
  rechazadas: Rechazada[] = [];
  nextId = 1;
  private readonly tx = {} as PoolClient;

  check(lecturas: Lectura[]): void {
    if (lecturas.some((l) => l.nombreVariable === 'caida')) {
      throw Object.assign(new Error('connection terminated'), { code: '08006' });
    }
    if (lecturas.some((l) => l.nombreVariable === 'veneno')) {
      throw Object.assign(new Error('value refused'), { code: '22003' });
    }
  }

  store(l: Lectura): LecturaGuardada {
    const { numeroSerie, nombreVariable, estampaTiempo, valorVariable } = l;
    const g = { numeroSerie, nombreVariable, estampaTiempo, valorVariable, id: this.nextId++ };
    this.rows.set(claveLectura(l), g);
    return g;
  }

  readonly repository = {
    autocommit: {} as Queryable,
    // the dictionary: its ids play no part in these rules
    codificar: (lecturas: Lectura[]) =>
      later(() => lecturas.map((l) => ({ ...l, dispositivoId: 0, variableId: 0 }))),
    inTransaction: async <T>(work: (tx: PoolClient) => Promise<T>): Promise<T> => {
      const before = { rows: new Map(this.rows), rechazadas: [...this.rechazadas] };
      try {
        return await work(this.tx);
      } catch (error) {
        this.rows = before.rows;
        this.rechazadas = before.rechazadas;
        throw error;
      }
    },
    copyAll: (_tx: PoolClient, lecturas: Lectura[]) =>
      later(() => {
        this.check(lecturas);
        const keys = lecturas.map(claveLectura);
        if (new Set(keys).size < keys.length || keys.some((k) => this.rows.has(k))) {
          throw new DuplicateKeyError();
        }
        return lecturas.map((l) => this.store(l).id);
      }),
    insertAllNewWith: (_q: Queryable, lecturas: Lectura[], rechazadas: Rechazada[]) =>
      later(() => {
        this.check(lecturas);
        if (lecturas.some((l) => this.rows.has(claveLectura(l)))) throw new DuplicateKeyError();
        this.rechazadas.push(...rechazadas);
        return lecturas.map((l) => this.store(l));
      }),
    insertNew: (_q: Queryable, lecturas: Lectura[]) =>
      later(() => {
        this.check(lecturas);
        return lecturas.filter((l) => !this.rows.has(claveLectura(l))).map((l) => this.store(l));
      }),
    findByClaves: (_q: Queryable, lecturas: Lectura[]) =>
      later(() => lecturas.flatMap((l) => this.rows.get(claveLectura(l)) ?? [])),
  };

  readonly rechazadasRepository = {
    insertMany: (_tx: Queryable, rechazadas: Rechazada[]) =>
      later(() => void this.rechazadas.push(...rechazadas)),
  };
}

const lectura = (serie: string, valor = 1, nombreVariable = 'voltaje'): Lectura => ({
  numeroSerie: serie,
  nombreVariable,
  estampaTiempo: new Date('2025-01-31T12:00:00Z'),
  valorVariable: valor,
});

function writer(maxRows = 10_000): { w: LecturaWriter; store: MemoryStore } {
  const store = new MemoryStore();
  const w = new LecturaWriter(
    store.repository as unknown as LecturasRepository,
    store.rechazadasRepository as unknown as RechazadasRepository,
    { maxRows, maxInFlight: 4 },
  );
  return { w, store };
}

const estados = (r: Resultado[]) => r.map((x) => x.estado);

describe('LecturaWriter (in-memory store)', () => {
  beforeAll(() => configureLogging({ service: 'test', level: 'silent' }));

  it('merges units that arrive in the same turn into one transaction, each with its own results', async () => {
    const { w, store } = writer();
    const [a, b, c] = await Promise.all([
      w.write([lectura('A')]),
      w.write([lectura('B'), lectura('C')]),
      w.write([lectura('D')]),
    ]);
    expect(w.stats.transactions).toBe(1);
    expect([a, b, c].map(estados)).toEqual([['stored'], ['stored', 'stored'], ['stored']]);
    expect(b.map((r) => r.guardada.numeroSerie)).toEqual(['B', 'C']);
    expect(store.rows.size).toBe(4);
  });

  it('tells duplicates (same id) from conflicts (the first value kept)', async () => {
    const { w } = writer();
    const [first] = await w.write([lectura('A', 5)]);
    const [again, other] = await Promise.all([
      w.write([lectura('A', 5)]).then((r) => r[0]),
      w.write([lectura('A', 6)]).then((r) => r[0]),
    ]);
    expect(again).toEqual({ estado: 'duplicate', guardada: first.guardada });
    expect(other).toEqual({ estado: 'conflict', guardada: first.guardada, valorRecibido: 6 });
  });

  it('splits a merged flush that fails for good: only the culprit is refused, the others commit', async () => {
    const { w, store } = writer();
    const outcomes = await Promise.allSettled([
      w.write([lectura('A')]),
      w.write([lectura('B', 1, 'veneno')]),
      w.write([lectura('C')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(StoreRefusedError);
    expect(w.stats.isolatedRetries).toBe(1);
    expect([...store.rows.values()].map((g) => g.numeroSerie).sort()).toEqual(['A', 'C']);
  });

  it('rejects every unit of a flush the store could not take (transient): nothing stored, retry later', async () => {
    const { w, store } = writer();
    const outcomes = await Promise.allSettled([
      w.write([lectura('A')]),
      w.write([lectura('B', 1, 'caida')]),
    ]);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    }
    expect(w.stats.isolatedRetries).toBe(0);
    expect(store.rows.size).toBe(0);
  });

  it('falls back from COPY to the classifying insert when a key is already stored', async () => {
    const { w, store } = writer();
    await w.write([lectura('S0000')]);
    const bulk = Array.from({ length: 250 }, (_, i) => lectura(`S${String(i).padStart(4, '0')}`));
    const results = await w.write(bulk);
    expect(w.stats.copyFallbacks).toBe(1);
    expect(estados(results).filter((e) => e === 'duplicate')).toHaveLength(1);
    expect(estados(results).filter((e) => e === 'stored')).toHaveLength(249);
    expect(store.rows.size).toBe(250);
  });

  it('commits a dead letter with its readings, or neither', async () => {
    const { w, store } = writer();
    const letter = (r: Resultado[]): Rechazada | undefined =>
      r.some((x) => x.estado === 'conflict')
        ? ({ topic: 't', motivos: [], payload: Buffer.alloc(0) } as unknown as Rechazada)
        : undefined;
    await w.write([lectura('A', 1)]);
    await w.write([lectura('A', 2), lectura('B')], letter);
    expect(store.rechazadas).toHaveLength(1);
    await expect(w.write([lectura('C', 1, 'caida')], () => letter([]))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(store.rechazadas).toHaveLength(1);
  });

  it('never puts more than maxRows in one transaction, but never splits a unit', async () => {
    const { w } = writer(3);
    await Promise.all([
      w.write([lectura('A'), lectura('B')]),
      w.write([lectura('C'), lectura('D')]),
      w.write([lectura('E'), lectura('F'), lectura('G'), lectura('H')]),
    ]);
    expect(w.stats.transactions).toBe(3);
  });
});

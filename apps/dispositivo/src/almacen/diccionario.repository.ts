import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { Lectura } from '../lecturas/lectura';

/** A reading with the ids its serial and variable name are stored under. */
export interface LecturaCodificada extends Lectura {
  dispositivoId: number;
  variableId: number;
}

/** Names cached per process; past this many the older half is forgotten (re-read on use). */
const MAX_NOMBRES = 200_000;

/**
 * A map in two generations: a lookup promotes, and when the young one is
 * full the old one is dropped, so memory stays bounded and what is in use
 * stays cached.
 */
class Cache<K, V> {
  private joven = new Map<K, V>();
  private viejo = new Map<K, V>();

  get(k: K): V | undefined {
    const v = this.joven.get(k);
    if (v !== undefined) return v;
    const antes = this.viejo.get(k);
    if (antes !== undefined) this.set(k, antes);
    return antes;
  }

  set(k: K, v: V): void {
    if (this.joven.size >= MAX_NOMBRES / 2) {
      this.viejo = this.joven;
      this.joven = new Map();
    }
    this.joven.set(k, v);
  }
}

/** One dictionary, both ways: name → id, and id → the name as JSON text. */
class Diccionario {
  readonly ids = new Cache<string, number>();
  readonly json = new Cache<number, string>();
}

interface Tabla {
  tabla: 'dispositivo' | 'variable';
  columna: 'numero_serie' | 'nombre_variable';
}
const DISPOSITIVO: Tabla = { tabla: 'dispositivo', columna: 'numero_serie' };
const VARIABLE: Tabla = { tabla: 'variable', columna: 'nombre_variable' };

/**
 * The dictionaries of serials (`dispositivo`) and variable names
 * (`variable`). Ids are never reused or deleted, so a cached id stays right.
 */
@Injectable()
export class DiccionarioRepository {
  private readonly dispositivos = new Diccionario();
  private readonly variables = new Diccionario();

  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /**
   * Each reading with its ids; names seen for the first time are added to
   * the dictionaries first, each in its own committed statement (a name
   * whose reading is then refused stays: harmless).
   */
  async codificar(lecturas: Lectura[]): Promise<LecturaCodificada[]> {
    const dispositivos = await this.registrar(
      DISPOSITIVO,
      this.dispositivos,
      lecturas.map((l) => l.numeroSerie),
    );
    const variables = await this.registrar(
      VARIABLE,
      this.variables,
      lecturas.map((l) => l.nombreVariable),
    );
    return lecturas.map((l) => ({
      ...l,
      dispositivoId: dispositivos.get(l.numeroSerie)!,
      variableId: variables.get(l.nombreVariable)!,
    }));
  }

  /** A serial's id, or undefined when no reading of it was ever stored. */
  async findDispositivoId(numeroSerie: string): Promise<number | undefined> {
    return (await this.buscar(DISPOSITIVO, this.dispositivos, [numeroSerie])).get(numeroSerie);
  }

  /** The ids of those variable names that were ever stored. */
  async findVariableIds(nombres: string[]): Promise<number[]> {
    return [...(await this.buscar(VARIABLE, this.variables, nombres)).values()];
  }

  /** The ids of these variable names, adding those never stored. */
  async registrarVariables(nombres: string[]): Promise<number[]> {
    return [...(await this.registrar(VARIABLE, this.variables, nombres)).values()];
  }

  /**
   * Serials and variable names of these ids as JSON strings (what
   * JSON.stringify writes), for lines built without parsing rows.
   */
  async findJson(
    dispositivoIds: number[],
    variableIds: number[],
  ): Promise<{ dispositivo: (id: number) => string; variable: (id: number) => string }> {
    const dispositivos = await this.json(DISPOSITIVO, this.dispositivos, dispositivoIds);
    const variables = await this.json(VARIABLE, this.variables, variableIds);
    return { dispositivo: (id) => dispositivos.get(id)!, variable: (id) => variables.get(id)! };
  }

  /** Every name's id (new names added first). */
  private async registrar(t: Tabla, d: Diccionario, nombres: string[]) {
    const faltan = [...new Set(nombres)].filter((n) => d.ids.get(n) === undefined);
    if (faltan.length > 0) {
      // then looked up apart: the SELECT must see rows a concurrent insert committed while ours waited
      await this.pool.query({
        name: `${t.tabla}_registrar`,
        text: `INSERT INTO ${t.tabla} (${t.columna}) SELECT unnest($1::varchar[]) ORDER BY 1
               ON CONFLICT DO NOTHING`,
        values: [faltan],
      });
    }
    const ids = await this.buscar(t, d, nombres);
    const perdido = nombres.find((n) => !ids.has(n));
    if (perdido !== undefined) throw new Error(`${t.tabla} ${perdido} was added but not found`);
    return ids;
  }

  /** The ids of those names that are stored. */
  private buscar(t: Tabla, d: Diccionario, nombres: string[]): Promise<Map<string, number>> {
    return resolver(nombres, d.ids, async (faltan) => {
      const { rows } = await this.pool.query<{ id: number; nombre: string }>({
        name: `${t.tabla}_buscar`,
        text: `SELECT id, ${t.columna} AS nombre FROM ${t.tabla} WHERE ${t.columna} = ANY($1::varchar[])`,
        values: [faltan],
      });
      return rows.map((r) => [r.nombre, r.id]);
    });
  }

  /** The names of these ids as JSON text; every id must be stored. */
  private async json(t: Tabla, d: Diccionario, ids: number[]): Promise<Map<number, string>> {
    const json = await resolver(ids, d.json, async (faltan) => {
      const { rows } = await this.pool.query<{ id: number; nombre: string }>({
        name: `${t.tabla}_nombres`,
        text: `SELECT id, ${t.columna} AS nombre FROM ${t.tabla} WHERE id = ANY($1::int[])`,
        values: [faltan],
      });
      return rows.map((r) => [r.id, JSON.stringify(r.nombre)]);
    });
    const perdido = ids.find((id) => !json.has(id));
    if (perdido !== undefined) throw new Error(`${t.tabla} ${perdido} is not in the dictionary`);
    return json;
  }
}

/** `claves` from the cache; the misses loaded in one query (each once) and cached. */
async function resolver<K, V>(
  claves: K[],
  cache: Cache<K, V>,
  cargar: (faltan: K[]) => Promise<[K, V][]>,
): Promise<Map<K, V>> {
  const hallados = new Map<K, V>();
  const faltan = new Set<K>();
  for (const k of claves) {
    if (hallados.has(k) || faltan.has(k)) continue;
    const v = cache.get(k);
    if (v === undefined) faltan.add(k);
    else hallados.set(k, v);
  }
  if (faltan.size === 0) return hallados;
  for (const [k, v] of await cargar([...faltan])) {
    cache.set(k, v);
    hallados.set(k, v);
  }
  return hallados;
}

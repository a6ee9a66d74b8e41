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
 * name → id, in two generations: a lookup promotes, and when the young one
 * is full the old one is dropped, so memory stays bounded and names in use
 * stay cached.
 */
class Cache {
  private joven = new Map<string, number>();
  private viejo = new Map<string, number>();

  get(nombre: string): number | undefined {
    const id = this.joven.get(nombre);
    if (id !== undefined) return id;
    const antes = this.viejo.get(nombre);
    if (antes !== undefined) this.set(nombre, antes);
    return antes;
  }

  set(nombre: string, id: number): void {
    if (this.joven.size >= MAX_NOMBRES / 2) {
      this.viejo = this.joven;
      this.joven = new Map();
    }
    this.joven.set(nombre, id);
  }
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
  private readonly dispositivos = new Cache();
  private readonly variables = new Cache();

  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /**
   * Each reading with its ids; names seen for the first time are added to
   * the dictionaries first, each in its own committed statement (a name
   * whose reading is then refused stays: harmless).
   */
  async codificar(lecturas: Lectura[]): Promise<LecturaCodificada[]> {
    await this.registrar(
      DISPOSITIVO,
      this.dispositivos,
      lecturas.map((l) => l.numeroSerie),
    );
    await this.registrar(
      VARIABLE,
      this.variables,
      lecturas.map((l) => l.nombreVariable),
    );
    return lecturas.map((l) => ({
      ...l,
      dispositivoId: this.dispositivos.get(l.numeroSerie)!,
      variableId: this.variables.get(l.nombreVariable)!,
    }));
  }

  /** A serial's id, or undefined when no reading of it was ever stored. */
  async findDispositivoId(numeroSerie: string): Promise<number | undefined> {
    return (await this.buscar(DISPOSITIVO, this.dispositivos, [numeroSerie])).get(numeroSerie);
  }

  /** The ids of those variable names that were ever stored. */
  async findVariableIds(nombres: string[]): Promise<number[]> {
    const ids = await this.buscar(VARIABLE, this.variables, nombres);
    return [...ids.values()];
  }

  /** The ids of these variable names, adding those never stored. */
  async registrarVariables(nombres: string[]): Promise<number[]> {
    await this.registrar(VARIABLE, this.variables, nombres);
    return this.findVariableIds(nombres);
  }

  private async registrar(t: Tabla, cache: Cache, nombres: string[]): Promise<void> {
    const faltan = [...new Set(nombres)].filter((n) => cache.get(n) === undefined);
    if (faltan.length === 0) return;
    // two statements: the SELECT must see rows a concurrent insert committed while ours waited
    await this.pool.query({
      name: `${t.tabla}_registrar`,
      text: `INSERT INTO ${t.tabla} (${t.columna}) SELECT unnest($1::varchar[]) ORDER BY 1
             ON CONFLICT DO NOTHING`,
      values: [faltan],
    });
    const ids = await this.buscar(t, cache, faltan);
    const perdido = faltan.find((n) => !ids.has(n));
    if (perdido !== undefined) throw new Error(`${t.tabla} ${perdido} was added but not found`);
  }

  private async buscar(t: Tabla, cache: Cache, nombres: string[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const faltan: string[] = [];
    for (const n of nombres) {
      const id = cache.get(n);
      if (id === undefined) faltan.push(n);
      else ids.set(n, id);
    }
    if (faltan.length === 0) return ids;
    const { rows } = await this.pool.query<{ id: number; nombre: string }>({
      name: `${t.tabla}_buscar`,
      text: `SELECT id, ${t.columna} AS nombre FROM ${t.tabla} WHERE ${t.columna} = ANY($1::varchar[])`,
      values: [faltan],
    });
    for (const r of rows) {
      cache.set(r.nombre, r.id);
      ids.set(r.nombre, r.id);
    }
    return ids;
  }
}

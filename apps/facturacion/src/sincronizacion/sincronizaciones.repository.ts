import { tryAdvisoryLock } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';

export type Origen = 'cron' | 'manual';
export type EstadoSincronizacion = 'en_curso' | 'completada' | 'fallida' | 'interrumpida';

/** What one run did for one variable. */
export interface ResultadoVariable {
  filas: number;
  /** dispositivo's lag at the end of the run: readings not billed yet, and the oldest one's age. */
  pendientes?: number;
  retrasoSegundos?: number;
  error?: string;
}

export interface Sincronizacion {
  id: number;
  origen: Origen;
  estado: EstadoSincronizacion;
  iniciadaEn: string;
  terminadaEn: string | null;
  variables: Record<string, ResultadoVariable>;
  error: string | null;
  instancia: string;
}

interface Row {
  id: string;
  origen: Origen;
  estado: EstadoSincronizacion;
  iniciada_en: Date;
  terminada_en: Date | null;
  variables: Record<string, ResultadoVariable>;
  error: string | null;
  instancia: string;
}

const aSincronizacion = (f: Row): Sincronizacion => ({
  id: Number(f.id),
  origen: f.origen,
  estado: f.estado,
  iniciadaEn: f.iniciada_en.toISOString(),
  terminadaEn: f.terminada_en?.toISOString() ?? null,
  variables: f.variables,
  error: f.error,
  instancia: f.instancia,
});

/** Any constant: the key of the session-level advisory lock one run holds across instances. */
export const SYNC_LOCK_KEY = 7_318_004_211;

/** Held by the one run in progress (across every facturacion instance on this database). */
export interface SincronizacionLock {
  release(): Promise<void>;
}

@Injectable()
export class SincronizacionesRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /**
   * The run lock, or undefined when another run (here or on another instance)
   * holds it. A session lock on a connection of its own: if the process dies,
   * PostgreSQL drops the connection and the lock with it.
   */
  tryLock(): Promise<SincronizacionLock | undefined> {
    return tryAdvisoryLock(this.pool, SYNC_LOCK_KEY);
  }

  /** Under the lock: runs still marked en_curso died with their process. */
  async markInterrupted(): Promise<void> {
    await this.pool.query(
      `UPDATE sincronizacion SET estado = 'interrumpida', terminada_en = now(),
         error = 'the process running it stopped before it finished'
       WHERE estado = 'en_curso'`,
    );
  }

  async start(origen: Origen, instancia: string): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO sincronizacion (origen, estado, instancia) VALUES ($1, 'en_curso', $2) RETURNING id`,
      [origen, instancia],
    );
    return Number(rows[0].id);
  }

  async finish(
    id: number,
    estado: Exclude<EstadoSincronizacion, 'en_curso'>,
    variables: Record<string, ResultadoVariable>,
    error: string | null,
  ): Promise<void> {
    await this.pool.query(
      `UPDATE sincronizacion SET estado = $2, terminada_en = now(), variables = $3, error = $4
       WHERE id = $1`,
      [id, estado, JSON.stringify(variables), error],
    );
  }

  async findRunning(): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM sincronizacion WHERE estado = 'en_curso' ORDER BY id DESC LIMIT 1`,
    );
    return rows.length > 0 ? Number(rows[0].id) : undefined;
  }

  async findRecent(limit: number): Promise<Sincronizacion[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM sincronizacion ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(aSincronizacion);
  }

  async findById(id: number): Promise<Sincronizacion | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM sincronizacion WHERE id = $1`, [id]);
    return rows.map(aSincronizacion)[0];
  }
}

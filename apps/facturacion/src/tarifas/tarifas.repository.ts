import { Queryable } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { VersionTarifa } from './tarifa';

export interface Tarifa {
  id: string;
  nombre: string;
  creadaEn: Date;
}

/** A version in force over local dates [desde, hasta); hasta null: until a later one. */
export interface Version {
  id: string;
  desde: string;
  hasta: string | null;
  definicion: VersionTarifa;
}

const VERSION = `id::text, to_char(desde, 'YYYY-MM-DD') AS desde, to_char(hasta, 'YYYY-MM-DD') AS hasta, definicion`;

/** Tariffs and their versions. Writes take the caller's transaction. */
@Injectable()
export class TarifasRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  async insert(q: Queryable, nombre: string): Promise<Tarifa> {
    const { rows } = await q.query<Tarifa>(
      `INSERT INTO tarifa (nombre) VALUES ($1) RETURNING id::text, nombre, creada_en AS "creadaEn"`,
      [nombre],
    );
    return rows[0];
  }

  /** The tariff, locked until the transaction ends (versions are added one at a time). */
  async findById(
    id: string,
    q: Queryable = this.pool,
    bloquear = false,
  ): Promise<Tarifa | undefined> {
    const { rows } = await q.query<Tarifa>(
      `SELECT id::text, nombre, creada_en AS "creadaEn" FROM tarifa WHERE id = $1${bloquear ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  }

  async findPage(limite: number, despuesDe?: string): Promise<Tarifa[]> {
    const { rows } = await this.pool.query<Tarifa>(
      `SELECT id::text, nombre, creada_en AS "creadaEn" FROM tarifa WHERE id > $1 ORDER BY id LIMIT $2`,
      [despuesDe ?? '0', limite],
    );
    return rows;
  }

  /** One version by its id, with its tariff's name. */
  async findVersion(
    versionId: string,
  ): Promise<(Version & { tarifaId: string; tarifa: string }) | undefined> {
    const { rows } = await this.pool.query<Version & { tarifaId: string; tarifa: string }>(
      `SELECT v.id::text, to_char(v.desde, 'YYYY-MM-DD') AS desde, to_char(v.hasta, 'YYYY-MM-DD') AS hasta,
              v.definicion, t.id::text AS "tarifaId", t.nombre AS tarifa
       FROM tarifa_version v JOIN tarifa t ON t.id = v.tarifa_id WHERE v.id = $1`,
      [versionId],
    );
    return rows[0];
  }

  async findVersiones(tarifaId: string, q: Queryable = this.pool): Promise<Version[]> {
    const { rows } = await q.query<Version>(
      `SELECT ${VERSION} FROM tarifa_version WHERE tarifa_id = $1 ORDER BY desde`,
      [tarifaId],
    );
    return rows;
  }

  async insertVersion(
    q: Queryable,
    tarifaId: string,
    desde: string,
    d: VersionTarifa,
  ): Promise<Version> {
    const { rows } = await q.query<Version>(
      `INSERT INTO tarifa_version (tarifa_id, desde, definicion) VALUES ($1, $2, $3) RETURNING ${VERSION}`,
      [tarifaId, desde, JSON.stringify(d)],
    );
    return rows[0];
  }

  /** Ends a version the day a later one starts. */
  async cerrarVersion(q: Queryable, versionId: string, hasta: string): Promise<void> {
    await q.query(`UPDATE tarifa_version SET hasta = $2 WHERE id = $1`, [versionId, hasta]);
  }
}

import { Queryable } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';

export interface DatosCuenta {
  nombre: string;
  zona: string;
  moneda: string;
  decimales: number;
  /** Day of the month a cycle starts; null: the calendar month. */
  diaCiclo: number | null;
  /** Holiday calendar; null: none. */
  calendario: string | null;
}

export interface Cuenta extends DatosCuenta {
  id: string;
  creadaEn: Date;
  actualizadaEn: Date;
}

/** A device in an account over [desde, hasta); hasta null: still there. */
export interface Asignacion {
  numeroSerie: string;
  cuentaId: string;
  desde: Date;
  hasta: Date | null;
}

/** The account is priced by a tariff over local dates [desde, hasta); hasta null: until changed. */
export interface AsignacionTarifa {
  tarifaId: string;
  desde: string;
  hasta: string | null;
}

const TARIFA = `tarifa_id::text AS "tarifaId", to_char(desde, 'YYYY-MM-DD') AS desde,
                to_char(hasta, 'YYYY-MM-DD') AS hasta`;

const COLUMNAS = `id::text, nombre, zona, moneda, decimales, dia_ciclo AS "diaCiclo",
                  calendario, creada_en AS "creadaEn", actualizada_en AS "actualizadaEn"`;
const ASIGNACION = `numero_serie AS "numeroSerie", cuenta_id::text AS "cuentaId", desde, hasta`;

/** Accounts and which devices belong to them when. Writes take the caller's transaction. */
@Injectable()
export class CuentasRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  async insert(q: Queryable, d: DatosCuenta): Promise<Cuenta> {
    const { rows } = await q.query<Cuenta>(
      `INSERT INTO cuenta (nombre, zona, moneda, decimales, dia_ciclo, calendario)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNAS}`,
      [d.nombre, d.zona, d.moneda, d.decimales, d.diaCiclo, d.calendario],
    );
    return rows[0];
  }

  async findById(id: string, q: Queryable = this.pool): Promise<Cuenta | undefined> {
    const { rows } = await q.query<Cuenta>(`SELECT ${COLUMNAS} FROM cuenta WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The account, locked until the transaction ends (a concurrent change waits). */
  async findForUpdate(q: Queryable, id: string): Promise<Cuenta | undefined> {
    const { rows } = await q.query<Cuenta>(
      `SELECT ${COLUMNAS} FROM cuenta WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0];
  }

  async update(q: Queryable, id: string, d: DatosCuenta): Promise<Cuenta> {
    const { rows } = await q.query<Cuenta>(
      `UPDATE cuenta SET nombre = $2, zona = $3, moneda = $4, decimales = $5, dia_ciclo = $6,
              calendario = $7, actualizada_en = now()
       WHERE id = $1 RETURNING ${COLUMNAS}`,
      [id, d.nombre, d.zona, d.moneda, d.decimales, d.diaCiclo, d.calendario],
    );
    return rows[0];
  }

  /** A page of accounts by id, after `despuesDe`. */
  async findPage(limite: number, despuesDe?: string): Promise<Cuenta[]> {
    const { rows } = await this.pool.query<Cuenta>(
      `SELECT ${COLUMNAS} FROM cuenta WHERE id > $1 ORDER BY id LIMIT $2`,
      [despuesDe ?? '0', limite],
    );
    return rows;
  }

  /** Every device the account has had, by start. */
  async findAsignacionesDeCuenta(cuentaId: string): Promise<Asignacion[]> {
    const { rows } = await this.pool.query<Asignacion>(
      `SELECT ${ASIGNACION} FROM cuenta_dispositivo WHERE cuenta_id = $1
       ORDER BY desde, numero_serie`,
      [cuentaId],
    );
    return rows;
  }

  /**
   * Serialises changes to one device's assignments until the transaction
   * ends (two staff moving the same device at once: one waits).
   */
  async lockDispositivo(q: Queryable, numeroSerie: string): Promise<void> {
    await q.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('cuenta_dispositivo:' || $1, 0))`,
      [numeroSerie],
    );
  }

  /** The device's assignments that are in force at `t` or start after it. */
  async findAsignacionesDesde(q: Queryable, numeroSerie: string, t: Date): Promise<Asignacion[]> {
    const { rows } = await q.query<Asignacion>(
      `SELECT ${ASIGNACION} FROM cuenta_dispositivo
       WHERE numero_serie = $1 AND (hasta IS NULL OR hasta > $2) ORDER BY desde`,
      [numeroSerie, t],
    );
    return rows;
  }

  async insertAsignacion(q: Queryable, a: Omit<Asignacion, 'hasta'>): Promise<Asignacion> {
    const { rows } = await q.query<Asignacion>(
      `INSERT INTO cuenta_dispositivo (numero_serie, cuenta_id, desde) VALUES ($1, $2, $3)
       RETURNING ${ASIGNACION}`,
      [a.numeroSerie, a.cuentaId, a.desde],
    );
    return rows[0];
  }

  /** Ends the assignment that started at `desde` at `hasta`. */
  async cerrarAsignacion(
    q: Queryable,
    numeroSerie: string,
    desde: Date,
    hasta: Date,
  ): Promise<Asignacion> {
    const { rows } = await q.query<Asignacion>(
      `UPDATE cuenta_dispositivo SET hasta = $3 WHERE numero_serie = $1 AND desde = $2
       RETURNING ${ASIGNACION}`,
      [numeroSerie, desde, hasta],
    );
    return rows[0];
  }

  async findTarifasDeCuenta(
    cuentaId: string,
    q: Queryable = this.pool,
  ): Promise<AsignacionTarifa[]> {
    const { rows } = await q.query<AsignacionTarifa>(
      `SELECT ${TARIFA} FROM cuenta_tarifa WHERE cuenta_id = $1 ORDER BY desde`,
      [cuentaId],
    );
    return rows;
  }

  async existeTarifa(q: Queryable, tarifaId: string): Promise<boolean> {
    const { rows } = await q.query(`SELECT 1 FROM tarifa WHERE id = $1`, [tarifaId]);
    return rows.length > 0;
  }

  async insertTarifa(
    q: Queryable,
    cuentaId: string,
    tarifaId: string,
    desde: string,
  ): Promise<AsignacionTarifa> {
    const { rows } = await q.query<AsignacionTarifa>(
      `INSERT INTO cuenta_tarifa (cuenta_id, tarifa_id, desde) VALUES ($1, $2, $3) RETURNING ${TARIFA}`,
      [cuentaId, tarifaId, desde],
    );
    return rows[0];
  }

  async cerrarTarifa(q: Queryable, cuentaId: string, desde: string, hasta: string): Promise<void> {
    await q.query(`UPDATE cuenta_tarifa SET hasta = $3 WHERE cuenta_id = $1 AND desde = $2`, [
      cuentaId,
      desde,
      hasta,
    ]);
  }
}

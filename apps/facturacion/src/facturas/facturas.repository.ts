import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { Cuenta } from '../cuentas/cuentas.repository';
import type { VersionTarifa } from '../tarifas/tarifa';
import type { Borrador, LineaFactura } from './factura';
import { ELEGIDA, ElegidaLeida, elegidaDe, VersionElegida } from './refacturacion.repository';

/** A stored statement: the draft's totals (its lines apart), and what storing it adds. */
export interface Factura extends Omit<Borrador, 'lineas'> {
  id: string;
  cuentaId: string;
  periodo: string;
  desde: Date;
  hasta: Date;
  estado: 'borrador' | 'final' | 'anulada';
  moneda: string;
  calculadaEn: Date;
  serie: string | null;
  numero: string | null;
  finalizadaEn: Date | null;
}

const FACTURA = `id::text, cuenta_id::text AS "cuentaId", periodo, desde, hasta, estado, moneda,
  total::text, energia::text, cobertura::text, estimada::text, problemas, diario, calculada_en AS "calculadaEn",
  serie, numero::text, finalizada_en AS "finalizadaEn"`;

/**
 * A final statement, with the devices that were in its account in its
 * period, and its own total: without the adjustments it carried for earlier
 * statements (what pricing its period again is compared with).
 */
export type FacturaFinal = Factura & { finalizadaEn: Date; series: string[]; totalPropio: string };

/** A device in the account over [desde, hasta) of a period. */
export interface DispositivoEnCuenta {
  numeroSerie: string;
  desde: Date;
  hasta: Date;
}

/** A tariff version pricing the account over [desde, hasta) of a period. */
export interface TramoEnCuenta {
  versionId: string;
  tarifa: string;
  desde: Date;
  hasta: Date;
  definicion: VersionTarifa;
}

// $1 the account, $2 and $3 the period's instants, $4 its zone
const DISPOSITIVOS = `SELECT numero_serie AS "numeroSerie", greatest(desde, $2) AS desde,
         least(coalesce(hasta, 'infinity'), $3) AS hasta
  FROM cuenta_dispositivo WHERE cuenta_id = $1 AND desde < $3 AND (hasta IS NULL OR hasta > $2)`;
const TRAMOS = `SELECT * FROM (
    SELECT tv.id::text AS "versionId", t.nombre AS tarifa, tv.definicion,
           greatest(greatest(ct.desde, tv.desde)::timestamp AT TIME ZONE $4, $2) AS desde,
           least(least(coalesce(ct.hasta, 'infinity'), coalesce(tv.hasta, 'infinity'))::timestamp
                 AT TIME ZONE $4, $3) AS hasta
    FROM cuenta_tarifa ct
    JOIN tarifa_version tv ON tv.tarifa_id = ct.tarifa_id
                          AND daterange(tv.desde, tv.hasta) && daterange(ct.desde, ct.hasta)
    JOIN tarifa t ON t.id = ct.tarifa_id
    WHERE ct.cuenta_id = $1) x
  WHERE desde < hasta`;
const FESTIVOS = `SELECT to_char(f.fecha, 'YYYY-MM-DD') AS fecha
  FROM cuenta c JOIN festivo f ON f.calendario = c.calendario
  WHERE c.id = $1 AND f.fecha >= ($2::timestamptz AT TIME ZONE $4)::date
    AND f.fecha <= ($3::timestamptz AT TIME ZONE $4)::date`;

/** Statements and their lines; the account's devices and tariffs over a period. */
@Injectable()
export class FacturasRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /**
   * A billing period of the account, in one round trip: the account, the
   * period's instants (its cycle day of the month to the same day a month
   * later, in its zone), the version the period is re-rated with (the latest
   * re-rating of its statement, if any), and whether the account has final
   * statements before it (adjustments). undefined: no such account.
   */
  async findPeriodo(
    cuentaId: string,
    periodo: string,
  ): Promise<
    | { cuenta: Cuenta; desde: Date; hasta: Date; elegida?: VersionElegida; hayFinales: boolean }
    | undefined
  > {
    const [anio, mes] = periodo.split('-').map(Number);
    const { rows } = await this.pool.query<
      Cuenta & { desde: Date; hasta: Date; elegida: ElegidaLeida | null; hayFinales: boolean }
    >({
      name: 'facturas.periodo',
      text: `SELECT c.id::text, c.nombre, c.zona, c.moneda, c.decimales, c.dia_ciclo AS "diaCiclo",
              c.calendario, c.creada_en AS "creadaEn", c.actualizada_en AS "actualizadaEn",
              p.desde, p.hasta, (${ELEGIDA}) AS elegida,
              EXISTS (SELECT 1 FROM factura f WHERE f.cuenta_id = $1 AND f.estado = 'final'
                        AND f.hasta <= p.desde) AS "hayFinales"
       FROM cuenta c, LATERAL (
         SELECT make_date($3, $4, coalesce(c.dia_ciclo, 1))::timestamp AT TIME ZONE c.zona AS desde,
                (make_date($3, $4, coalesce(c.dia_ciclo, 1)) + interval '1 month')::timestamp
                  AT TIME ZONE c.zona AS hasta) p
       WHERE c.id = $1`,
      values: [cuentaId, periodo, anio, mes],
    });
    if (rows.length === 0) return undefined;
    const { desde, hasta, elegida, hayFinales, ...cuenta } = rows[0];
    return { cuenta, desde, hasta, elegida: elegidaDe(elegida), hayFinales };
  }

  /** The account's devices in the period, each with the span it was in the account. */
  async findDispositivos(
    cuentaId: string,
    desde: Date,
    hasta: Date,
  ): Promise<DispositivoEnCuenta[]> {
    const { rows } = await this.pool.query<DispositivoEnCuenta>(
      `${DISPOSITIVOS} ORDER BY numero_serie, desde`,
      [cuentaId, desde, hasta],
    );
    return rows;
  }

  /**
   * What pricing a period needs besides energy, in one round trip: the
   * account's devices in it (as findDispositivos), its tariff pieces (where
   * its tariff assignment and a version of that tariff are both in force,
   * local dates turned into instants in `zona`) and its holidays.
   */
  async findPiezas(
    cuentaId: string,
    desde: Date,
    hasta: Date,
    zona: string,
  ): Promise<{ dispositivos: DispositivoEnCuenta[]; tramos: TramoEnCuenta[]; festivos: string[] }> {
    const { rows } = await this.pool.query<{
      d: Array<{ numeroSerie: string; desde: string; hasta: string }>;
      t: Array<Omit<TramoEnCuenta, 'desde' | 'hasta'> & { desde: string; hasta: string }>;
      f: string[];
    }>({
      name: 'facturas.piezas',
      text: `SELECT
         (SELECT coalesce(json_agg(x ORDER BY x."numeroSerie", x.desde), '[]') FROM (${DISPOSITIVOS}) x) AS d,
         (SELECT coalesce(json_agg(x ORDER BY x.desde), '[]') FROM (${TRAMOS}) x) AS t,
         (SELECT coalesce(array_agg(x.fecha ORDER BY x.fecha), '{}') FROM (${FESTIVOS}) x) AS f`,
      values: [cuentaId, desde, hasta, zona],
    });
    const { d, t, f } = rows[0];
    return {
      dispositivos: d.map((x) => ({ ...x, desde: new Date(x.desde), hasta: new Date(x.hasta) })),
      tramos: t.map((x) => ({ ...x, desde: new Date(x.desde), hasta: new Date(x.hasta) })),
      festivos: f,
    };
  }

  /**
   * Whether the account changed after `despuesDe` (its settings, devices or
   * tariff: every such change is audited), or its holiday calendar did.
   */
  async existsCambiosDeCuenta(cuentaId: string, despuesDe: Date): Promise<boolean> {
    const { rows } = await this.pool.query(
      `SELECT 1 FROM auditoria WHERE entidad = 'cuenta' AND entidad_id = $1::text AND en > $2
       UNION ALL
       SELECT 1 FROM cuenta c JOIN calendario k ON k.nombre = c.calendario
       WHERE c.id = $1::bigint AND k.cambiado_en > $2
       LIMIT 1`,
      [cuentaId, despuesDe],
    );
    return rows.length > 0;
  }

  /** An account's statements, newest period first, without their lines. */
  async findByCuenta(cuentaId: string, limite: number): Promise<Factura[]> {
    const { rows } = await this.pool.query<Factura>(
      `SELECT ${FACTURA} FROM factura WHERE cuenta_id = $1 ORDER BY desde DESC, id DESC LIMIT $2`,
      [cuentaId, limite],
    );
    return rows;
  }

  /**
   * Writes the period's draft, replacing the previous draft and its lines,
   * in one statement (atomic, one round trip): the stored statement as
   * findById reads it, or undefined if the period's statement is already
   * final (never touched). Lines 1..n are upserted and those past n deleted:
   * disjoint rows, so the two never meet on the primary key.
   */
  async saveBorrador(
    cuentaId: string,
    periodo: string,
    desde: Date,
    hasta: Date,
    moneda: string,
    b: Borrador,
  ): Promise<(Factura & { lineas: LineaFactura[] }) | undefined> {
    const { rows } = await this.pool.query<Factura>({
      name: 'facturas.guardar',
      text: `WITH f AS (
         INSERT INTO factura (cuenta_id, periodo, desde, hasta, moneda, total, energia, cobertura, estimada,
                              problemas, diario)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (cuenta_id, periodo) DO UPDATE
           SET desde = $3, hasta = $4, moneda = $5, total = $6, energia = $7, cobertura = $8,
               estimada = $9, problemas = $10, diario = $11, calculada_en = clock_timestamp()
           WHERE factura.estado = 'borrador'
         RETURNING *),
       l AS (
         SELECT f.id, l.* FROM f, ROWS FROM (jsonb_to_recordset($12::jsonb) AS (tipo text, concepto text,
              periodo text, bloque smallint, cantidad numeric, unidad text, "precioUnitario" numeric,
              importe numeric, "versionId" bigint, "ajustaFacturaId" bigint, desde timestamptz,
              hasta timestamptz, cobertura numeric, estimada numeric)) WITH ORDINALITY
              AS l(tipo, concepto, periodo, bloque, cantidad, unidad, "precioUnitario", importe,
                   "versionId", "ajustaFacturaId", desde, hasta, cobertura, estimada, orden)),
       borradas AS (
         DELETE FROM factura_linea x USING f WHERE x.factura_id = f.id AND x.orden > $13),
       escritas AS (
         INSERT INTO factura_linea (factura_id, orden, tipo, concepto, periodo_tou, bloque, cantidad, unidad,
                                    precio_unitario, importe, tarifa_version_id, ajusta_factura_id,
                                    desde, hasta, cobertura, estimada)
         SELECT id, orden, tipo, concepto, periodo, bloque, cantidad, unidad, "precioUnitario", importe,
                "versionId", "ajustaFacturaId", desde, hasta, cobertura, estimada FROM l
         ON CONFLICT (factura_id, orden) DO UPDATE
           SET tipo = EXCLUDED.tipo, concepto = EXCLUDED.concepto, periodo_tou = EXCLUDED.periodo_tou,
               bloque = EXCLUDED.bloque, cantidad = EXCLUDED.cantidad, unidad = EXCLUDED.unidad,
               precio_unitario = EXCLUDED.precio_unitario, importe = EXCLUDED.importe,
               tarifa_version_id = EXCLUDED.tarifa_version_id,
               ajusta_factura_id = EXCLUDED.ajusta_factura_id, desde = EXCLUDED.desde,
               hasta = EXCLUDED.hasta, cobertura = EXCLUDED.cobertura, estimada = EXCLUDED.estimada)
       SELECT ${FACTURA} FROM f`,
      values: [
        cuentaId,
        periodo,
        desde,
        hasta,
        moneda,
        b.total,
        b.energia,
        b.cobertura,
        b.estimada,
        JSON.stringify(b.problemas),
        JSON.stringify(b.diario),
        JSON.stringify(b.lineas),
        b.lineas.length,
      ],
    });
    if (rows.length === 0) return undefined;
    // the lines as findById reads them back, JSON for JSON: numeric keeps the scale it was
    // given, and an absent field is a NULL column
    const lineas = b.lineas.map((l) =>
      Object.assign({}, l, {
        periodo: l.periodo ?? null,
        bloque: l.bloque ?? null,
        ajustaFacturaId: l.ajustaFacturaId ?? null,
        cobertura: l.cobertura ?? null,
        estimada: l.estimada ?? null,
      }),
    );
    return { ...rows[0], lineas };
  }

  async findById(id: string): Promise<(Factura & { lineas: LineaFactura[] }) | undefined> {
    const { rows } = await this.pool.query<Factura>(
      `SELECT ${FACTURA} FROM factura WHERE id = $1`,
      [id],
    );
    if (rows.length === 0) return undefined;
    const lineas = await this.pool.query<LineaFactura>(
      `SELECT l.tipo, l.concepto, l.periodo_tou AS periodo, l.bloque, l.cantidad::text, l.unidad,
              l.precio_unitario::text AS "precioUnitario", l.importe::text,
              l.tarifa_version_id::text AS "versionId", t.nombre AS tarifa,
              l.ajusta_factura_id::text AS "ajustaFacturaId", l.desde, l.hasta,
              l.cobertura::text, l.estimada::text
       FROM factura_linea l LEFT JOIN tarifa_version v ON v.id = l.tarifa_version_id
       LEFT JOIN tarifa t ON t.id = v.tarifa_id
       WHERE l.factura_id = $1 ORDER BY l.orden`,
      [id],
    );
    return { ...rows[0], lineas: lineas.rows };
  }

  /**
   * The account's final statements of periods that end by `hasta`, oldest
   * first, each with the devices that were in the account in its period
   * (a final statement always has its finalizadaEn: a CHECK says so).
   */
  async findFinalesAnteriores(cuentaId: string, hasta: Date): Promise<FacturaFinal[]> {
    const { rows } = await this.pool.query<FacturaFinal>(
      `SELECT ${FACTURA},
              (total - coalesce((SELECT sum(l.importe) FROM factura_linea l
                                 WHERE l.factura_id = factura.id AND l.tipo = 'ajuste'), 0))::text
                AS "totalPropio",
              array(SELECT d.numero_serie FROM cuenta_dispositivo d
                    WHERE d.cuenta_id = factura.cuenta_id AND d.desde < factura.hasta
                      AND (d.hasta IS NULL OR d.hasta > factura.desde)) AS series
       FROM factura
       WHERE cuenta_id = $1 AND estado = 'final' AND hasta <= $2 ORDER BY desde`,
      [cuentaId, hasta],
    );
    return rows;
  }

  /** The account's statement of `periodo`, if there is one. */
  async findByPeriodo(
    cuentaId: string,
    periodo: string,
  ): Promise<(Factura & { lineas: LineaFactura[] }) | undefined> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id::text FROM factura WHERE cuenta_id = $1 AND periodo = $2`,
      [cuentaId, periodo],
    );
    return rows.length === 0 ? undefined : this.findById(rows[0].id);
  }

  /** What final statements have already adjusted statement `id` by. */
  async sumAjustesFinales(id: string): Promise<string> {
    const { rows } = await this.pool.query<{ suma: string }>(
      `SELECT coalesce(sum(l.importe), 0)::text AS suma
       FROM factura_linea l JOIN factura f ON f.id = l.factura_id
       WHERE l.ajusta_factura_id = $1 AND f.estado = 'final'`,
      [id],
    );
    return rows[0].suma;
  }

  /** Drafts, oldest period first (the statements job looks at each). */
  async findBorradores(): Promise<Factura[]> {
    const { rows } = await this.pool.query<Factura>(
      `SELECT ${FACTURA} FROM factura WHERE estado = 'borrador' ORDER BY desde, id`,
    );
    return rows;
  }

  /** Accounts with a device now or in the last two months (those the job keeps a draft for). */
  async findCuentasConDispositivos(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT DISTINCT c.id::text FROM cuenta c JOIN cuenta_dispositivo d ON d.cuenta_id = c.id
       WHERE d.hasta IS NULL OR d.hasta > now() - interval '62 days' ORDER BY 1`,
    );
    return rows.map((r) => r.id);
  }

  async existsFactura(cuentaId: string, periodo: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      `SELECT 1 FROM factura WHERE cuenta_id = $1 AND periodo = $2`,
      [cuentaId, periodo],
    );
    return rows.length > 0;
  }
}

import { inTransaction } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { auditar } from '../auditoria/auditoria.repository';
import type { VersionTarifa } from '../tarifas/tarifa';

/** A tariff version chosen to price a whole period (a re-rating), and when it was chosen. */
export interface VersionElegida {
  versionId: string;
  tarifa: string;
  definicion: VersionTarifa;
  en: Date;
}

// $1 the account, $2 the period (YYYY-MM): its latest re-rating, as JSON
export const ELEGIDA = `SELECT json_build_object('versionId', v.id::text, 'tarifa', t.nombre,
                                 'definicion', v.definicion, 'en', r.en)
  FROM factura f JOIN refacturacion r ON r.factura_id = f.id
  JOIN tarifa_version v ON v.id = r.tarifa_version_id JOIN tarifa t ON t.id = v.tarifa_id
  WHERE f.cuenta_id = $1 AND f.periodo = $2 ORDER BY r.id DESC LIMIT 1`;
export type ElegidaLeida = Omit<VersionElegida, 'en'> & { en: string };
export const elegidaDe = (e: ElegidaLeida | null): VersionElegida | undefined =>
  e ? { ...e, en: new Date(e.en) } : undefined;

/** Re-ratings: which tariff version prices a statement's period, and the periods after it. */
@Injectable()
export class RefacturacionRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /** The latest re-rating of the account's statement of `periodo`, if any. */
  async findRefacturacion(cuentaId: string, periodo: string): Promise<VersionElegida | undefined> {
    const { rows } = await this.pool.query<{ e: ElegidaLeida | null }>(`SELECT (${ELEGIDA}) AS e`, [
      cuentaId,
      periodo,
    ]);
    return elegidaDe(rows[0].e);
  }

  /** Records a re-rating of statement `facturaId` with version `versionId`, audited. */
  async insertRefacturacion(facturaId: string, versionId: string, clave: string): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      await tx.query(
        `INSERT INTO refacturacion (factura_id, tarifa_version_id, clave) VALUES ($1, $2, $3)`,
        [facturaId, versionId, clave],
      );
      await auditar(tx, {
        clave,
        entidad: 'factura',
        entidadId: facturaId,
        accion: 'refacturar',
        despues: { versionId },
      });
    });
  }

  /** The account's periods from `desde` (YYYY-MM) on that have a final statement. */
  async findPeriodosFinales(cuentaId: string, desde: string): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ periodo: string }>(
      `SELECT periodo FROM factura WHERE cuenta_id = $1 AND periodo >= $2 AND estado <> 'borrador'`,
      [cuentaId, desde],
    );
    return new Set(rows.map((r) => r.periodo));
  }
}

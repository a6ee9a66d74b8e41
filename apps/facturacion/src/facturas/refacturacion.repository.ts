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

const JSON_ELEGIDA = `json_build_object('versionId', v.id::text, 'tarifa', t.nombre,
                                          'definicion', v.definicion, 'en', r.en)`;
const DE_REFACTURACIONES = `FROM factura f JOIN refacturacion r ON r.factura_id = f.id
  JOIN tarifa_version v ON v.id = r.tarifa_version_id JOIN tarifa t ON t.id = v.tarifa_id`;
// $1 the account, $2 the period (YYYY-MM): its latest re-rating, as JSON
export const ELEGIDA = `SELECT ${JSON_ELEGIDA} ${DE_REFACTURACIONES}
  WHERE f.cuenta_id = $1 AND f.periodo = $2 ORDER BY r.id DESC LIMIT 1`;
export type ElegidaLeida = Omit<VersionElegida, 'en'> & { en: string };
export const elegidaDe = (e: ElegidaLeida | null): VersionElegida | undefined =>
  e ? { ...e, en: new Date(e.en) } : undefined;

/** Re-ratings: which tariff version prices a statement's period, and the periods after it. */
@Injectable()
export class RefacturacionRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /** The latest re-rating of each of the account's statements, by period. */
  async findUltimas(cuentaId: string): Promise<Map<string, VersionElegida>> {
    const { rows } = await this.pool.query<{ periodo: string; e: ElegidaLeida }>(
      `SELECT DISTINCT ON (f.periodo) f.periodo, ${JSON_ELEGIDA} AS e ${DE_REFACTURACIONES}
       WHERE f.cuenta_id = $1 ORDER BY f.periodo, r.id DESC`,
      [cuentaId],
    );
    return new Map(rows.map((r) => [r.periodo, elegidaDe(r.e)!]));
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

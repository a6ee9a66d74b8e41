import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention of the billing variables' samples (RETENCION_MUESTRAS_DIAS, off
 * by default; rules in docs/scaling.md): per device, the instant before which
 * its samples were deleted. The energy job never recomputes a day at or
 * before it (its samples are gone; its intervals stay as they were).
 */
export class RetencionMuestras1734480000000 implements MigrationInterface {
  name = 'RetencionMuestras1734480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retencion_muestras (
        numero_serie varchar(64) PRIMARY KEY,
        hasta        timestamptz NOT NULL,
        en           timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE retencion_muestras`);
  }
}

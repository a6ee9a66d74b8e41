import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An interval's energy has at most 9 decimals (the energy job writes it so):
 * statements read it as an exact integer count of 10^-9 kWh, and this makes
 * the database hold to it. Unbounded in size still.
 */
export class EnergiaEscala1734220800000 implements MigrationInterface {
  name = 'EnergiaEscala1734220800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE energia_intervalo
                     ADD CONSTRAINT energia_intervalo_escala CHECK (scale(energia) <= 9) NOT VALID`);
    await q.query(`ALTER TABLE energia_intervalo VALIDATE CONSTRAINT energia_intervalo_escala`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE energia_intervalo DROP CONSTRAINT energia_intervalo_escala`);
  }
}

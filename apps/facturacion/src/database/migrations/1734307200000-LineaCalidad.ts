import { MigrationInterface, QueryRunner } from 'typeorm';

/** An energy line's coverage and estimated share (of its TOU period), kept with the line. */
export class LineaCalidad1734307200000 implements MigrationInterface {
  name = 'LineaCalidad1734307200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE factura_linea
                     ADD COLUMN cobertura numeric CHECK (cobertura >= 0 AND cobertura <= 1),
                     ADD COLUMN estimada numeric CHECK (estimada >= 0 AND estimada <= 1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE factura_linea DROP COLUMN cobertura, DROP COLUMN estimada`);
  }
}

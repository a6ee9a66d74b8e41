import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Final statements are numbered per series without gaps (many fiscal rules
 * ask for consecutive numbers): a counter row per series, incremented under
 * its row lock in the finalising transaction, so a rollback gives the number
 * back (a PostgreSQL sequence would skip it).
 */
export class FacturaNumero1733961600000 implements MigrationInterface {
  name = 'FacturaNumero1733961600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE factura_serie (
        serie  varchar(20) PRIMARY KEY CHECK (serie ~ '^[A-Z0-9-]{1,20}$'),
        ultimo bigint      NOT NULL CHECK (ultimo > 0)
      )`);
    await q.query(`
      ALTER TABLE factura
        ADD COLUMN serie varchar(20),
        ADD COLUMN numero bigint,
        ADD COLUMN finalizada_en timestamptz,
        ADD COLUMN finalizada_por varchar(64),
        ADD CONSTRAINT factura_numero_unico UNIQUE (serie, numero),
        ADD CONSTRAINT factura_final_numerada
          CHECK ((estado = 'borrador') = (numero IS NULL AND serie IS NULL AND finalizada_en IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE factura DROP COLUMN serie, DROP COLUMN numero,
                   DROP COLUMN finalizada_en, DROP COLUMN finalizada_por`);
    await q.query(`DROP TABLE factura_serie`);
  }
}

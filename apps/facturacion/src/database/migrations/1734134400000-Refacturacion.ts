import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Re-rating: a statement's period priced with a chosen tariff version. A
 * final statement never changes, so the choice is its own row: the draft of
 * that period (or, for a final one, the adjustment on a later draft) prices
 * with the latest choice.
 */
export class Refacturacion1734134400000 implements MigrationInterface {
  name = 'Refacturacion1734134400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refacturacion (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        factura_id        bigint      NOT NULL REFERENCES factura (id),
        tarifa_version_id bigint      NOT NULL REFERENCES tarifa_version (id),
        clave             varchar(64) NOT NULL,
        en                timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX refacturacion_factura ON refacturacion (factura_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refacturacion`);
  }
}

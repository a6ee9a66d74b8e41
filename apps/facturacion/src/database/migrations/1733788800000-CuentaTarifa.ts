import { MigrationInterface, QueryRunner } from 'typeorm';

/** Which tariff prices an account over local dates [desde, hasta): one at a time. */
export class CuentaTarifa1733788800000 implements MigrationInterface {
  name = 'CuentaTarifa1733788800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cuenta_tarifa (
        cuenta_id bigint NOT NULL REFERENCES cuenta (id),
        tarifa_id bigint NOT NULL REFERENCES tarifa (id),
        desde     date   NOT NULL,
        hasta     date   CHECK (hasta > desde), -- null: until a later assignment
        PRIMARY KEY (cuenta_id, desde),
        CONSTRAINT cuenta_tarifa_sin_solape
          EXCLUDE USING gist (cuenta_id WITH =, daterange(desde, hasta) WITH &&)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cuenta_tarifa`);
  }
}

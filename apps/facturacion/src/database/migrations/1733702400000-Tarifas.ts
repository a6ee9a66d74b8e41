import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tariffs as data: a tariff has versions, each in force over local dates
 * [desde, hasta) (never two at once), its definition a JSON document checked
 * by the app (`validarVersion`). A version is never edited: the database
 * refuses any change to its definition or start; a change of prices is a new
 * version, which ends the previous one.
 */
export class Tarifas1733702400000 implements MigrationInterface {
  name = 'Tarifas1733702400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tarifa (
        id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        nombre    varchar(200) NOT NULL UNIQUE,
        creada_en timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE tarifa_version (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tarifa_id  bigint NOT NULL REFERENCES tarifa (id),
        desde      date   NOT NULL,
        hasta      date   CHECK (hasta > desde), -- null: in force until a later version
        definicion jsonb  NOT NULL,
        creada_en  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tarifa_version_sin_solape
          EXCLUDE USING gist (tarifa_id WITH =, daterange(desde, hasta) WITH &&)
      )`);
    await q.query(`
      CREATE FUNCTION tarifa_version_inmutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.definicion IS DISTINCT FROM OLD.definicion OR NEW.desde <> OLD.desde
           OR NEW.tarifa_id <> OLD.tarifa_id THEN
          RAISE EXCEPTION 'a tariff version is never edited: create a new version'
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tarifa_version_inmutable BEFORE UPDATE ON tarifa_version
      FOR EACH ROW EXECUTE FUNCTION tarifa_version_inmutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tarifa_version, tarifa`);
    await q.query(`DROP FUNCTION tarifa_version_inmutable()`);
  }
}

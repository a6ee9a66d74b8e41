import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing accounts: zone, currency (with the minor unit it had when the
 * account was made), billing cycle; which devices belong to which account
 * and from when to when (never two accounts at once: an exclusion
 * constraint); and an audit trail of who changed what.
 */
export class Cuentas1733616000000 implements MigrationInterface {
  name = 'Cuentas1733616000000';

  async up(q: QueryRunner): Promise<void> {
    // trusted since PostgreSQL 13: the database owner may create it
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE cuenta (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        nombre         varchar(200) NOT NULL CHECK (length(btrim(nombre)) > 0),
        zona           varchar(64)  NOT NULL,
        moneda         char(3)      NOT NULL CHECK (moneda ~ '^[A-Z]{3}$'),
        decimales      smallint     NOT NULL CHECK (decimales BETWEEN 0 AND 4),
        dia_ciclo      smallint     CHECK (dia_ciclo BETWEEN 1 AND 28), -- null: calendar month
        creada_en      timestamptz  NOT NULL DEFAULT now(),
        actualizada_en timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE cuenta_dispositivo (
        numero_serie varchar(64) NOT NULL,
        cuenta_id    bigint      NOT NULL REFERENCES cuenta (id),
        desde        timestamptz NOT NULL,
        hasta        timestamptz CHECK (hasta > desde), -- null: still in the account
        PRIMARY KEY (numero_serie, desde),
        CONSTRAINT cuenta_dispositivo_sin_solape
          EXCLUDE USING gist (numero_serie WITH =, tstzrange(desde, hasta) WITH &&)
      )`);
    await q.query(
      `CREATE INDEX cuenta_dispositivo_cuenta ON cuenta_dispositivo (cuenta_id, desde)`,
    );
    await q.query(`
      CREATE TABLE auditoria (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        en         timestamptz NOT NULL DEFAULT clock_timestamp(),
        clave      varchar(64) NOT NULL, -- the caller's key id, or its role for a service key
        entidad    varchar(32) NOT NULL,
        entidad_id varchar(64) NOT NULL,
        accion     varchar(32) NOT NULL,
        antes      jsonb,
        despues    jsonb
      )`);
    await q.query(`CREATE INDEX auditoria_entidad ON auditoria (entidad, entidad_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auditoria, cuenta_dispositivo, cuenta`);
  }
}

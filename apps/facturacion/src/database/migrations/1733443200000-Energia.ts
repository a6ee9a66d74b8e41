import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Metering: the kind and unit of each billed variable, per-device settings,
 * energy per device and interval, and the (device, UTC day) marks the sync
 * writes in its batch transaction for the energy job to recompute.
 */
export class Energia1733443200000 implements MigrationInterface {
  name = 'Energia1733443200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE catalogo_variable (
        nombre         varchar(63) PRIMARY KEY,
        tipo           varchar(16) NOT NULL CHECK (tipo IN ('instantaneo', 'contador')),
        unidad         varchar(8)  NOT NULL,
        actualizado_en timestamptz NOT NULL DEFAULT now(),
        CHECK ((tipo = 'contador' AND unidad IN ('kWh', 'Wh'))
            OR (tipo = 'instantaneo' AND unidad IN ('V', 'A', 'kW', 'W', 'fp')))
      )`);
    await q.query(`INSERT INTO catalogo_variable (nombre, tipo, unidad)
                   VALUES ('voltaje', 'instantaneo', 'V'), ('corriente', 'instantaneo', 'A')`);
    await q.query(`
      CREATE TABLE dispositivo_medicion (
        numero_serie    varchar(64) PRIMARY KEY,
        factor_potencia numeric(4, 3) CHECK (factor_potencia > 0 AND factor_potencia <= 1),
        tension_nominal numeric(8, 2) CHECK (tension_nominal > 0),
        actualizado_en  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE energia_intervalo (
        numero_serie varchar(64)    NOT NULL,
        inicio       timestamptz    NOT NULL,
        fin          timestamptz    NOT NULL,
        energia      numeric        NOT NULL, -- kWh or kVAh, 9 decimals; unbounded (no overflow)
        unidad       varchar(4)     CHECK (unidad IN ('kWh', 'kVAh')),
        fuente       varchar(20)    CHECK (fuente IN ('contador', 'potencia', 'tension_corriente')),
        cobertura    numeric(7, 6)  NOT NULL CHECK (cobertura >= 0 AND cobertura <= 1),
        calidad      varchar(10)    NOT NULL CHECK (calidad IN ('real', 'estimado', 'faltante')),
        version      integer        NOT NULL DEFAULT 1,
        calculado_en timestamptz    NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (numero_serie, inicio)
      )`);
    await q.query(
      `CREATE INDEX energia_intervalo_cambios ON energia_intervalo (calculado_en, numero_serie, inicio)`,
    );
    await q.query(`
      CREATE TABLE contador_reinicio (
        numero_serie varchar(64)      NOT NULL,
        variable     varchar(63)      NOT NULL,
        instante     timestamptz      NOT NULL,
        antes        double precision NOT NULL,
        despues      double precision NOT NULL,
        PRIMARY KEY (numero_serie, variable, instante)
      )`);
    // append-only: concurrent sync transactions never wait on each other's marks, and the
    // job deletes only the marks it read (a mark added meanwhile has a higher id)
    await q.query(`
      CREATE TABLE energia_pendiente (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        numero_serie varchar(64) NOT NULL,
        dia          date        NOT NULL
      )`);
    await q.query(
      `CREATE INDEX energia_pendiente_dia ON energia_pendiente (numero_serie, dia, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'energia_pendiente',
      'contador_reinicio',
      'energia_intervalo',
      'dispositivo_medicion',
      'catalogo_variable',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}

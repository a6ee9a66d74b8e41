import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statements: one per account and period, `borrador` while it may still
 * change, then `final`. A final statement and its lines are never changed or
 * deleted: triggers refuse it (corrections are adjustments on a later one).
 */
export class Facturas1733875200000 implements MigrationInterface {
  name = 'Facturas1733875200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE factura (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        cuenta_id    bigint       NOT NULL REFERENCES cuenta (id),
        periodo      char(7)      NOT NULL CHECK (periodo ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        desde        timestamptz  NOT NULL,
        hasta        timestamptz  NOT NULL CHECK (hasta > desde),
        estado       varchar(10)  NOT NULL DEFAULT 'borrador'
                                  CHECK (estado IN ('borrador', 'final', 'anulada')),
        moneda       char(3)      NOT NULL,
        total        numeric      NOT NULL,
        energia      numeric      NOT NULL,
        cobertura    numeric(7,6) NOT NULL,
        estimada     numeric(7,6) NOT NULL,
        problemas    jsonb        NOT NULL DEFAULT '[]',
        diario       jsonb        NOT NULL DEFAULT '[]', -- energy per local day, for the chart
        calculada_en timestamptz  NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (cuenta_id, periodo)
      )`);
    await q.query(`
      CREATE TABLE factura_linea (
        factura_id        bigint       NOT NULL REFERENCES factura (id),
        orden             integer      NOT NULL,
        tipo              varchar(12)  NOT NULL,
        concepto          varchar(120) NOT NULL,
        periodo_tou       varchar(40),
        bloque            smallint,
        cantidad          numeric      NOT NULL,
        unidad            varchar(10)  NOT NULL,
        precio_unitario   numeric      NOT NULL,
        importe           numeric      NOT NULL,
        tarifa_version_id bigint       REFERENCES tarifa_version (id),
        -- an adjustment line: the final statement whose period changed after it was final
        ajusta_factura_id bigint       REFERENCES factura (id),
        desde             timestamptz  NOT NULL,
        hasta             timestamptz  NOT NULL,
        PRIMARY KEY (factura_id, orden),
        CHECK ((tipo = 'ajuste') = (ajusta_factura_id IS NOT NULL)),
        CHECK (tipo = 'ajuste' OR tarifa_version_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX factura_linea_ajusta ON factura_linea (ajusta_factura_id)
                   WHERE ajusta_factura_id IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION factura_final_inmutable() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        estado varchar;
      BEGIN
        IF TG_TABLE_NAME = 'factura' THEN
          estado := OLD.estado;
        ELSE
          SELECT f.estado INTO estado FROM factura f WHERE f.id = OLD.factura_id;
        END IF;
        IF estado = 'final' THEN
          RAISE EXCEPTION 'a final statement is never changed: corrections are adjustments'
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    for (const tabla of ['factura', 'factura_linea']) {
      await q.query(`
        CREATE TRIGGER ${tabla}_final_inmutable BEFORE UPDATE OR DELETE ON ${tabla}
        FOR EACH ROW EXECUTE FUNCTION factura_final_inmutable()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE factura_linea, factura`);
    await q.query(`DROP FUNCTION factura_final_inmutable()`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The billing store. Each billing variable gets its own table in schema
 * `variables` when it is first billed (created by the sync, not here: the
 * set of variables is configuration). This migration creates what is fixed:
 * the schema, the catalog of billed variables with each one's export cursor
 * and counters, the record of sync runs, and the all-variables `facturacion`
 * view (empty until a variable is billed).
 */
export class CreateFacturacion1733184000000 implements MigrationInterface {
  name = 'CreateFacturacion1733184000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA variables`);
    await q.query(`
      CREATE TABLE variable_facturada (
        nombre                varchar(63) PRIMARY KEY,
        -- where the next export resumes (dispositivo's opaque siguiente); NULL = from the start
        cursor                text,
        filas                 bigint      NOT NULL DEFAULT 0,
        primera_lectura       timestamptz,
        ultima_lectura        timestamptz,
        ultima_sincronizacion timestamptz,
        creada_en             timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE sincronizacion (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        origen       varchar(16) NOT NULL CHECK (origen IN ('cron', 'manual')),
        estado       varchar(16) NOT NULL
                     CHECK (estado IN ('en_curso', 'completada', 'fallida', 'interrumpida')),
        iniciada_en  timestamptz NOT NULL DEFAULT now(),
        terminada_en timestamptz,
        -- per variable: filas, pendientes, retrasoSegundos, error
        variables    jsonb       NOT NULL DEFAULT '{}',
        error        text,
        instancia    text        NOT NULL
      )`);
    await q.query(
      `CREATE INDEX sincronizacion_en_curso ON sincronizacion (id) WHERE estado = 'en_curso'`,
    );
    await q.query(`
      CREATE VIEW facturacion AS
      SELECT NULL::bigint AS id_dispositivo, NULL::varchar(63) AS nombre_variable,
             NULL::varchar(64) AS numero_serie, NULL::timestamptz AS estampa_tiempo,
             NULL::float8 AS valor_variable
      WHERE false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW facturacion`);
    await q.query(`DROP TABLE sincronizacion`);
    await q.query(`DROP TABLE variable_facturada`);
    await q.query(`DROP SCHEMA variables CASCADE`);
  }
}

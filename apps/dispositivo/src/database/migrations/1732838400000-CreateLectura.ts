import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLectura1732838400000 implements MigrationInterface {
  name = 'CreateLectura1732838400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lectura (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        numero_serie    varchar(64)      NOT NULL,
        nombre_variable varchar(63)      NOT NULL,
        estampa_tiempo  timestamptz      NOT NULL,
        valor_variable  double precision NOT NULL,
        recibida_en     timestamptz      NOT NULL DEFAULT now(),
        -- the idempotency key: re-sent readings are recognised, never stored twice
        CONSTRAINT lectura_clave UNIQUE (numero_serie, nombre_variable, estampa_tiempo)
      )`);
    // export to facturacion: newer readings of one variable, by id
    await q.query(`CREATE INDEX lectura_variable_id ON lectura (nombre_variable, id)`);
    // operator readback: one device over time, keyset-paginated on (estampa_tiempo, id)
    await q.query(
      `CREATE INDEX lectura_serie_tiempo ON lectura (numero_serie, estampa_tiempo, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lectura`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLecturaRechazada1732924800000 implements MigrationInterface {
  name = 'CreateLecturaRechazada1732924800000';

  async up(q: QueryRunner): Promise<void> {
    // dead letters: MQTT messages (or array items) that could not be stored, for operators
    await q.query(`
      CREATE TABLE lectura_rechazada (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        topic         text        NOT NULL,
        payload       text        NOT NULL,
        payload_bytes integer     NOT NULL,
        motivo        jsonb       NOT NULL,
        recibida_en   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lectura_rechazada`);
  }
}

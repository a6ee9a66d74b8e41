import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters keep the message's original bytes (text cannot hold NUL, and a
 * re-serialised item loses what JSON.parse changed, e.g. 1e309 → null), one row
 * per message with every reason, and a huella (sha256 of topic and payload) so
 * a redelivered message adds no second row.
 */
export class RechazadaBytea1733011200000 implements MigrationInterface {
  name = 'RechazadaBytea1733011200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE lectura_rechazada ALTER COLUMN payload TYPE bytea USING convert_to(payload, 'UTF8')`,
    );
    await q.query(`ALTER TABLE lectura_rechazada ADD COLUMN huella bytea`);
    // rows from before: each its own huella (they were per item, not per message)
    await q.query(
      `UPDATE lectura_rechazada SET huella = sha256(convert_to('legacy:' || id::text, 'UTF8'))`,
    );
    await q.query(`ALTER TABLE lectura_rechazada ALTER COLUMN huella SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX lectura_rechazada_huella ON lectura_rechazada (huella)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX lectura_rechazada_huella`);
    await q.query(`ALTER TABLE lectura_rechazada DROP COLUMN huella`);
    await q.query(
      `ALTER TABLE lectura_rechazada ALTER COLUMN payload TYPE text USING convert_from(payload, 'UTF8')`,
    );
  }
}

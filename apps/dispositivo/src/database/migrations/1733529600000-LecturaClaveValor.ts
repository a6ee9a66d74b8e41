import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key index carries the value (`INCLUDE (valor_variable)`), so a plot of
 * one device's variable (`GET /api/dispositivo/grafica`, issue 20) and the
 * readback read the index alone where the visibility map allows: a year of
 * one-minute readings (525,600) among other devices' rows had its heap pages
 * visited one by one (p99 380 ms at 1,000 points; measured in
 * docs/benchmarks.md). It costs ~8 bytes a reading of index.
 *
 * Rebuilds the index of every partition under an exclusive lock: plan a
 * window as long as the index took to build.
 */
export class LecturaClaveValor1733529600000 implements MigrationInterface {
  name = 'LecturaClaveValor1733529600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`ALTER TABLE lectura_codificada DROP CONSTRAINT lectura_clave`);
    await q.query(`ALTER TABLE lectura_codificada ADD CONSTRAINT lectura_clave
      UNIQUE (dispositivo_id, variable_id, estampa_tiempo) INCLUDE (valor_variable)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`ALTER TABLE lectura_codificada DROP CONSTRAINT lectura_clave`);
    await q.query(`ALTER TABLE lectura_codificada ADD CONSTRAINT lectura_clave
      UNIQUE (dispositivo_id, variable_id, estampa_tiempo)`);
  }
}

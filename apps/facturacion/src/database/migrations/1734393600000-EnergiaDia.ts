import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each device's intervals of each UTC day last changed, kept by the
 * energy job in the transaction that changes them. "Did this device's energy
 * in [desde, hasta) change after T?" (statements ask it of every final
 * statement before each draft) reads ~31 rows a month instead of scanning
 * the month's intervals.
 */
export class EnergiaDia1734393600000 implements MigrationInterface {
  name = 'EnergiaDia1734393600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE energia_dia (
        numero_serie varchar(64) NOT NULL,
        dia          date        NOT NULL, -- UTC
        calculado_en timestamptz NOT NULL,
        PRIMARY KEY (numero_serie, dia)
      )`);
    await q.query(`
      INSERT INTO energia_dia (numero_serie, dia, calculado_en)
      SELECT numero_serie, (inicio AT TIME ZONE 'UTC')::date, max(calculado_en)
      FROM energia_intervalo GROUP BY 1, 2`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE energia_dia`);
  }
}

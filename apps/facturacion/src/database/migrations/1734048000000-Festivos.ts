import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Holiday calendars: a tariff prices a holiday as a weekend or as its own
 * period. An account names its calendar; `cambiado_en` tells the statements
 * job which drafts a holiday change made stale.
 */
export class Festivos1734048000000 implements MigrationInterface {
  name = 'Festivos1734048000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendario (
        nombre      varchar(40) PRIMARY KEY CHECK (nombre ~ '^[A-Za-z0-9_-]{1,40}$'),
        cambiado_en timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE TABLE festivo (
        calendario varchar(40)  NOT NULL REFERENCES calendario (nombre),
        fecha      date         NOT NULL,
        nombre     varchar(80)  NOT NULL,
        PRIMARY KEY (calendario, fecha)
      )`);
    await q.query(
      `ALTER TABLE cuenta ADD COLUMN calendario varchar(40) REFERENCES calendario (nombre)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cuenta DROP COLUMN calendario`);
    await q.query(`DROP TABLE festivo`);
    await q.query(`DROP TABLE calendario`);
  }
}

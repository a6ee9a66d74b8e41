import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The export to facturacion must never skip a reading. Ids come from a
 * sequence but commit out of order (the group commit has several transactions
 * in flight), so "id > last exported" can skip an id that commits late. Each
 * row records the id of the transaction that wrote it; the export only goes
 * up to `pg_snapshot_xmin(pg_current_snapshot())`, below which every
 * transaction has finished, in (xid, id) order, so nothing can appear behind
 * the cursor later. Existing rows get the migration's own xid (one rewrite).
 */
export class LecturaXid1733097600000 implements MigrationInterface {
  name = 'LecturaXid1733097600000';

  async up(q: QueryRunner): Promise<void> {
    // a rewrite of a large table may take longer than the apps' statement timeout
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`ALTER TABLE lectura ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await q.query(`CREATE INDEX lectura_xid ON lectura (xid, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE lectura DROP COLUMN xid`);
  }
}

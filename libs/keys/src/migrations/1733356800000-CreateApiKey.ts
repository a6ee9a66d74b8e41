import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's stored API keys. Only a SHA-256 digest of each key is kept
 * (keys are 256-bit random, so a fast digest is enough: there is nothing to
 * brute-force). `changed_xid` is the transaction of the last change: each
 * gateway instance reloads only keys changed by transactions at or after the
 * oldest one still running at its last look (so a change that commits late is
 * never skipped).
 */
export class CreateApiKey1733356800000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_key (
        id          text PRIMARY KEY,
        role        text NOT NULL CHECK (role IN ('dispositivo', 'facturacion', 'admin')),
        nombre      text,
        series      text[] CHECK (series IS NULL OR role = 'dispositivo'),
        key_hash    bytea NOT NULL UNIQUE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz,
        changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id()
      )`);
    await q.query(`CREATE INDEX api_key_changed_xid_idx ON api_key (changed_xid)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_key`);
  }
}

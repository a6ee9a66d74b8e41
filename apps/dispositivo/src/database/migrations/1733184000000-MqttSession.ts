import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per dispositivo instance consuming MQTT through a shared group: its
 * client id (its connections are `<id>-0` … `<id>-<n-1>`), how many, and its
 * last heartbeat. An instance whose heartbeat stops for good (a replica scaled
 * away) leaves broker sessions that keep receiving their share of the group's
 * messages; another instance finds it here and drains them.
 */
export class MqttSession1733184000000 implements MigrationInterface {
  name = 'MqttSession1733184000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mqtt_session (
        client_id   text        PRIMARY KEY,
        connections integer     NOT NULL,
        seen_at     timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE mqtt_session`);
  }
}

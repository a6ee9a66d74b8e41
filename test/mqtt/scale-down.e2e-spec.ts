import { connectAsync, MqttClient } from 'mqtt';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { RunningApp, startDispositivo } from '../support/dispositivo';
import { http } from '../support/http';
import {
  Broker,
  mosquittoInstalled,
  MQTT_TEST_PASSWORD,
  MQTT_TEST_USER,
  startMosquitto,
} from '../support/mqtt-broker';
import { waitFor } from '../support/wait';

const ORPHAN_AFTER_S = 6;

/**
 * Mosquitto hands a shared group's messages round robin to every session in
 * the group, connected or not. A replica removed for good (`docker compose up
 * --scale dispositivo=1` after 2) would keep its share queued until its
 * session expires, then dropped. The remaining instances drain it.
 */
const describeMosquitto = mosquittoInstalled() ? describe : () => undefined;
describeMosquitto('scaling dispositivo down (Mosquitto shared group)', () => {
  let broker: Broker;
  let db: TestDatabase;
  let pg: Client;
  let publisher: MqttClient;
  const running: RunningApp[] = [];
  let sent = 0;

  const start = async (clientId: string, connections = 2): Promise<RunningApp> => {
    const app = await startDispositivo(db.url, {
      MQTT_URL: broker.url,
      MQTT_USERNAME: MQTT_TEST_USER,
      MQTT_PASSWORD: MQTT_TEST_PASSWORD,
      MQTT_CLIENT_ID: `${clientId}-${db.name}`,
      MQTT_CONNECTIONS: String(connections),
      MQTT_ORPHAN_AFTER_S: String(ORPHAN_AFTER_S),
    });
    running.push(app);
    await waitFor(async () => {
      const s = (await http(app.url, 'GET', '/health', undefined, { apiKey: null })).body.components
        ?.mqtt;
      return s !== undefined && s.connected === s.connections;
    });
    return app;
  };
  /** `n` readings, `window` of them unacknowledged at a time. */
  const publish = async (n: number, window = 1): Promise<void> => {
    for (let done = 0; done < n; done += window) {
      const chunk = Math.min(window, n - done);
      await Promise.all(Array.from({ length: chunk }, () => publishOne(sent++)));
    }
  };
  const publishOne = (i: number) =>
    publisher.publishAsync(
      'iot/sensors4387t5',
      JSON.stringify({
        nombreVariable: 'voltaje',
        numeroSerie: `SCALE-${i}`,
        estampaTiempo: 1767225600000 + i * 1000,
        valorVariable: i,
      }),
      { qos: 1 },
    );
  const stored = async (): Promise<number> =>
    (await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM lectura`)).rows[0].n;

  beforeAll(async () => {
    broker = await startMosquitto();
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    publisher = await connectAsync(broker.url, {
      username: MQTT_TEST_USER,
      password: MQTT_TEST_PASSWORD,
      protocolVersion: 5,
    });
  });
  afterAll(async () => {
    await publisher?.endAsync();
    for (const app of running) await app.close().catch(() => undefined);
    await pg?.end();
    await db?.drop();
    await broker?.dispose();
  });

  it('the share queued for a replica gone for good is stored by the one that stays', async () => {
    const gone = await start('gone');
    await start('stays');
    await gone.close();
    const closedAt = Date.now();
    await publish(400);
    // the broker kept about half for the stopped replica's two sessions
    const early = await stored();
    expect(Date.now() - closedAt).toBeLessThan(ORPHAN_AFTER_S * 1000);
    expect(early).toBeLessThan(300);

    await waitFor(async () => (await stored()) === 400, 30_000, 'all 400 readings stored');
    // drained, then its sessions discarded and its row forgotten
    await waitFor(
      async () =>
        (await pg.query(`SELECT 1 FROM mqtt_session WHERE client_id LIKE 'gone-%'`)).rowCount === 0,
      10_000,
      'the gone replica forgotten',
    );

    // its sessions are gone from the group: new messages all reach the live instance at once
    await publish(100);
    await waitFor(async () => (await stored()) === 500, 5_000, 'the next 100 stored at once');
  }, 60_000);

  it('the replica coming back later starts a fresh session and ingests again', async () => {
    await start('gone');
    await publish(100);
    await waitFor(async () => (await stored()) === 600, 10_000, 'all 600 readings stored');
    const { rows } = await pg.query<{ client_id: string }>(
      `SELECT client_id FROM mqtt_session ORDER BY 1`,
    );
    expect(rows.map((r) => r.client_id)).toEqual([`gone-${db.name}`, `stays-${db.name}`]);
  }, 30_000);

  it('a replica restarted with fewer connections drains the sessions it no longer uses', async () => {
    const stays = running[1];
    await stays.close();
    await publish(200); // its two sessions get their share while it is down
    await start('stays', 1);
    await waitFor(async () => (await stored()) === 800, 15_000, 'all 800 readings stored');
    const { rows } = await pg.query<{ connections: number }>(
      `SELECT connections FROM mqtt_session WHERE client_id = $1`,
      [`stays-${db.name}`],
    );
    expect(rows).toEqual([{ connections: 1 }]);
  }, 30_000);

  it('the broker restarted in the middle of a drain: the drain starts over, nothing is lost', async () => {
    await running[2].close(); // "gone" again, for good this time
    await publish(30_000, 500); // its two sessions get about two thirds
    const share = await stored();
    // as soon as the drain has begun, the broker goes down (its queues saved) and comes back
    await waitFor(async () => (await stored()) > share + 100, 30_000, 'the drain to begin');
    await broker.stop('SIGTERM');
    expect(await stored()).toBeLessThan(sent); // it was stopped mid-drain
    await broker.start();
    await waitFor(async () => (await stored()) === sent, 90_000, 'every reading stored');
  }, 150_000);
});

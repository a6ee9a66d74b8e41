import mqtt from 'mqtt';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { spawnDispositivo, DispositivoProcess } from '../support/dispositivo-process';
import {
  Broker,
  mosquittoInstalled,
  MQTT_TEST_PASSWORD,
  MQTT_TEST_USER,
  startMosquitto,
} from '../support/mqtt-broker';

/**
 * An operator points MQTT_URL at a Mosquitto with its default
 * max_queued_messages (1000): under a burst the broker drops QoS 1 messages
 * before dispositivo sees them. dispositivo cannot prevent it, but must say so.
 */
// a Mosquitto capability: without Mosquitto (global setup says so) the case does not exist
if (mosquittoInstalled())
  describe('silent drops at a default-configured Mosquitto', () => {
    let broker: Broker;
    let db: TestDatabase;
    let app: DispositivoProcess;

    beforeAll(async () => {
      broker = await startMosquitto((conf) =>
        conf
          .replace(/^max_queued_messages 0$/m, '# max_queued_messages: Mosquitto default (1000)')
          .replace(/^max_queued_bytes 0$/m, '')
          .concat('\nsys_interval 1\n'),
      );
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await app?.kill('SIGKILL');
      await db.drop();
      await broker.dispose();
    });

    it('warns in its log and reports the broker drop counter in /health', async () => {
      app = await spawnDispositivo({
        DATABASE_URL: db.url,
        MQTT_URL: broker.url,
        MQTT_USERNAME: MQTT_TEST_USER,
        MQTT_PASSWORD: MQTT_TEST_PASSWORD,
        MQTT_CLIENT_ID: `drops-${db.name}`,
        MQTT_CONNECTIONS: '1',
        MQTT_IN_FLIGHT: '20',
        LOG_LEVEL: 'warn',
      });
      const locker = new Client({ connectionString: db.url });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE lectura IN EXCLUSIVE MODE'); // dispositivo falls behind
      const pub = await mqtt.connectAsync(broker.url, {
        username: MQTT_TEST_USER,
        password: MQTT_TEST_PASSWORD,
        protocolVersion: 5,
      });
      const sent = [];
      for (let i = 0; i < 3000; i++) {
        const r = {
          nombreVariable: 'voltaje',
          numeroSerie: 'BURST',
          estampaTiempo: 1.7e12 + i,
          valorVariable: i,
        };
        sent.push(pub.publishAsync('iot/sensors4387t5', JSON.stringify(r), { qos: 1 }));
      }
      await Promise.all(sent); // the broker acknowledged all 3000 to the publisher
      const until = Date.now() + 20_000;
      while (
        Date.now() < until &&
        !(((await app.health()).components.mqtt.brokerDropped ?? 0) > 0)
      ) {
        await new Promise((r) => setTimeout(r, 200));
      }
      await locker.query('COMMIT');
      await locker.end();
      await pub.endAsync();
      expect((await app.health()).components.mqtt.brokerDropped).toBeGreaterThan(0);
      expect(app.output()).toMatch(/the MQTT broker dropped messages.*max_queued_messages/);
    });
  });

import mqtt, { MqttClient } from 'mqtt';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from './database';
import { RunningApp, startDispositivo } from './dispositivo';
import { http } from './http';
import { BrokerKind, Broker, MQTT_TEST_PASSWORD, MQTT_TEST_USER } from './mqtt-broker';
import { waitFor } from './wait';

export interface MqttFixture {
  broker: Broker;
  db: TestDatabase;
  svc: RunningApp;
  /** A plain client on the same database, to check what was stored. */
  pg: Client;
  /** A publisher with the test credentials. */
  pub: MqttClient;
  connectPublisher: (options?: mqtt.IClientOptions) => Promise<MqttClient>;
  /** `components.mqtt` of dispositivo's health. */
  status: () => Promise<any>;
  /** Readings stored for a serial. */
  count: (serie: string) => Promise<number>;
}

/**
 * For one spec file: a broker of `kind`, a fresh database, dispositivo (in
 * process) consuming from the broker, a pg client and a publisher; `prepare`
 * runs on the database before dispositivo subscribes. All torn down after.
 */
export function useMqttDispositivo(
  kind: Pick<BrokerKind, 'start' | 'env' | 'protocolVersion'>,
  clientId: string,
  prepare?: (pg: Client) => Promise<void>,
): MqttFixture {
  const f = {} as MqttFixture;
  f.connectPublisher = (options = {}) =>
    mqtt.connectAsync(f.broker.url, {
      username: MQTT_TEST_USER,
      password: MQTT_TEST_PASSWORD,
      protocolVersion: kind.protocolVersion,
      ...options,
    });
  f.status = async () =>
    (await http(f.svc.url, 'GET', '/health', undefined, { apiKey: null })).body.components?.mqtt;
  f.count = async (serie) =>
    (await f.pg.query('SELECT count(*)::int AS n FROM lectura WHERE numero_serie = $1', [serie]))
      .rows[0].n;

  beforeAll(async () => {
    f.broker = await kind.start();
    f.db = await createTestDatabase();
    f.svc = await startDispositivo(f.db.url, {
      MQTT_URL: f.broker.url,
      MQTT_USERNAME: MQTT_TEST_USER,
      MQTT_PASSWORD: MQTT_TEST_PASSWORD,
      MQTT_CLIENT_ID: `${clientId}-${f.db.name}`,
      ...kind.env,
    });
    f.pg = new Client({ connectionString: f.db.url });
    await f.pg.connect();
    await prepare?.(f.pg);
    f.pub = await f.connectPublisher();
    await waitFor(async () => {
      const s = await f.status();
      return s !== undefined && s.connected === s.connections;
    });
  });

  afterAll(async () => {
    await f.pub.endAsync(true);
    await f.pg.end();
    await f.svc.close();
    await f.db.drop();
    await f.broker.dispose();
  });
  return f;
}

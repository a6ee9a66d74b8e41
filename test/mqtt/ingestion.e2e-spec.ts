import mqtt, { MqttClient } from 'mqtt';
import { ESTAMPA_TIEMPO_FORMATO } from '@iot/contracts';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { RunningApp, startDispositivo } from '../support/dispositivo';
import { http } from '../support/http';
import { waitFor } from '../support/wait';
import { Broker, brokerKinds, MQTT_TEST_PASSWORD, MQTT_TEST_USER } from '../support/mqtt-broker';

const lectura = (i: number, serie = 'MQ1') => ({
  nombreVariable: 'voltaje',
  numeroSerie: serie,
  estampaTiempo: 1738324800000 + i * 1000,
  valorVariable: i,
});

describe.each(brokerKinds())('MQTT ingestion via $name', (kind) => {
  let broker: Broker;
  let db: TestDatabase;
  let svc: RunningApp;
  let pg: Client;
  let pub: MqttClient;
  let appEnv: Record<string, string>;

  beforeAll(async () => {
    broker = await kind.start();
    db = await createTestDatabase();
    appEnv = {
      MQTT_URL: broker.url,
      MQTT_USERNAME: MQTT_TEST_USER,
      MQTT_PASSWORD: MQTT_TEST_PASSWORD,
      MQTT_CLIENT_ID: `test-${db.name}`,
      MQTT_MAX_PAYLOAD_BYTES: '2048',
      ...kind.env,
    };
    svc = await startDispositivo(db.url, appEnv);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    pub = await mqtt.connectAsync(broker.url, {
      username: MQTT_TEST_USER,
      password: MQTT_TEST_PASSWORD,
      protocolVersion: kind.protocolVersion,
    });
    await waitFor(async () => {
      const mqtt = (await health()).mqtt;
      return mqtt !== undefined && mqtt.connected === mqtt.connections;
    });
  });

  afterAll(async () => {
    await pub.endAsync();
    await pg.end();
    await svc.close();
    await db.drop();
    await broker.dispose();
  });

  const health = async () =>
    (await http(svc.url, 'GET', '/health', undefined, { apiKey: null })).body.components;
  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    (await pg.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n;
  const publish = (topic: string, payload: unknown) =>
    pub.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), {
      qos: 1,
    });

  it('stores object and array payloads of both topics exactly once', async () => {
    for (let i = 0; i < 100; i++) await publish('iot/sensors4387t5', lectura(i));
    for (let k = 0; k < 10; k++) {
      const items = Array.from({ length: 10 }, (_, j) => {
        const { numeroSerie: _s, ...sinSerie } = lectura(k * 10 + j, 'TOPIC1');
        return sinSerie;
      });
      await publish('dispositivos/TOPIC1/lecturas', items);
    }
    await waitFor(
      async () => (await count("lectura WHERE numero_serie IN ('MQ1','TOPIC1')")) === 200,
    );
    expect(await count("lectura WHERE numero_serie = 'MQ1'")).toBe(100);
    expect(await count("lectura WHERE numero_serie = 'TOPIC1'")).toBe(100);
  });

  it('stores nothing new when the same readings are published again', async () => {
    for (let i = 0; i < 100; i++) await publish('iot/sensors4387t5', lectura(i));
    await waitFor(async () => (await health()).mqtt.duplicates >= 100);
    expect(await count("lectura WHERE numero_serie = 'MQ1'")).toBe(100);
  });

  it('dead-letters each kind of bad message and keeps consuming', async () => {
    const before = await count('lectura_rechazada');
    await publish('iot/sensors4387t5', '{not json');
    await publish('iot/sensors4387t5', { nombreVariable: 'voltaje' });
    await publish('iot/sensors4387t5', { ...lectura(500), valorVariable: 'high' });
    await publish('dispositivos/DEVA/lecturas', lectura(501, 'DEVB'));
    await publish('iot/sensors4387t5', [lectura(502, 'BIG'), 'x'.repeat(3000)]);
    await publish('iot/sensors4387t5', [
      lectura(503, 'MIXED'),
      { ...lectura(504, 'MIXED'), estampaTiempo: 'ayer' },
    ]);
    await publish('iot/sensors4387t5', lectura(505, 'AFTER'));
    // with a shared subscription the messages spread over connections: no order to rely on
    await waitFor(async () => (await count("lectura WHERE numero_serie = 'AFTER'")) === 1);
    await waitFor(async () => (await count('lectura_rechazada')) === before + 6);
    expect(await count("lectura WHERE numero_serie = 'MIXED'")).toBe(1);
    expect(await count("lectura WHERE numero_serie = 'BIG'")).toBe(0);

    const { rows } = await pg.query(
      'SELECT id, motivo, payload_bytes FROM lectura_rechazada WHERE id > $1 ORDER BY id',
      [before],
    );
    const reason = (r: { motivo: Array<{ field: string; reason: string }> }) =>
      `${r.motivo[0].field}: ${r.motivo[0].reason}`;
    expect(rows.map(reason).sort()).toEqual([
      '(payload): exceeds 2048 bytes',
      '(payload): is not valid JSON',
      'estampaTiempo: ' + ESTAMPA_TIEMPO_FORMATO,
      'numeroSerie: does not match the topic\'s serial "DEVA"',
      'numeroSerie: is required',
      'valorVariable: must be a finite number (JSON number or numeric string)',
    ]);
    const missingAll = rows.find((r) => reason(r) === 'numeroSerie: is required');
    expect(missingAll.motivo.map((m: { field: string }) => m.field)).toEqual([
      'numeroSerie',
      'estampaTiempo',
      'valorVariable',
    ]);
    const oversize = rows.find((r) => reason(r) === '(payload): exceeds 2048 bytes');
    expect(oversize.payload_bytes).toBeGreaterThan(3000);

    // operators page through them, newest first
    const seen: number[] = [];
    let cursor: number | null = null;
    do {
      const q: string = cursor ? `&antesDe=${cursor}` : '';
      const page = await http(svc.url, 'GET', `/api/dispositivo/rechazadas?limite=4${q}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.rechazadas.map((r: { id: number }) => r.id));
      cursor = page.body.siguiente;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((x, y) => y - x));
    expect(seen.filter((id) => id > before).sort((x, y) => x - y)).toEqual(
      rows.map((r) => Number(r.id)),
    );
  });

  it('keeps many messages unacknowledged until they commit; a restarted instance gets them again', async () => {
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE lectura IN EXCLUSIVE MODE'); // the INSERT waits
    for (let i = 0; i < 20; i++) await publish('iot/sensors4387t5', lectura(900 + i, 'LOCKED'));
    // more in flight than there are connections: acknowledgements are pipelined, not one per connection
    await waitFor(async () => (await health()).mqtt.unacknowledged === 20);
    const closing = svc.close();
    await new Promise((r) => setTimeout(r, 300));
    await locker.query('COMMIT');
    await locker.end();
    await closing;
    expect(await count("lectura WHERE numero_serie = 'LOCKED'")).toBe(20);

    svc = await startDispositivo(db.url, appEnv);
    // the broker kept the unacknowledged messages in the session and redelivers them
    await waitFor(async () => (await health()).mqtt?.duplicates >= 20);
    expect(await count("lectura WHERE numero_serie = 'LOCKED'")).toBe(20);
  });
});

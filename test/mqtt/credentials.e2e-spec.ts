import { randomBytes } from 'node:crypto';
import { connectAsync, MqttClient } from 'mqtt';
import { MQTT_DEFAULT_TOPICS } from '../../apps/dispositivo/src/mqtt/mqtt.config';
import { Dynsec } from '@iot/keys';
import { createTestKeyStore, TestKeyStore } from '../support/gateway';
import {
  Broker,
  MQTT_TEST_PASSWORD,
  MQTT_TEST_USER,
  mosquittoInstalled,
  startEmbeddedBroker,
  startMosquitto,
} from '../support/mqtt-broker';

interface Setup {
  name: string;
  protocolVersion: 4 | 5;
  start(): Promise<{ broker: Broker; store: TestKeyStore }>;
}

/** Mosquitto with the dynamic-security plugin fed by the keys service; aedes reading the key store. */
const setups: Setup[] = [
  ...(mosquittoInstalled()
    ? [
        {
          name: 'mosquitto, dynamic-security plugin',
          protocolVersion: 5 as const,
          start: async () => {
            const broker = await startMosquitto();
            const store = await createTestKeyStore({ MQTT_DYNSEC_URL: broker.dynsecUrl });
            return { broker, store };
          },
        },
      ]
    : []),
  {
    name: 'embedded aedes, key store',
    protocolVersion: 4,
    start: async () => {
      const store = await createTestKeyStore();
      const broker = await startEmbeddedBroker({
        MQTT_KEYS_DATABASE_URL: store.url,
        KEYS_REFRESH_MS: '200',
      });
      return { broker, store };
    },
  },
];

const idOf = (key: string): string => key.split('_')[1];

describe.each(setups)('MQTT device credentials ($name)', (setup) => {
  let broker: Broker;
  let store: TestKeyStore;
  let observer: MqttClient;
  const seen: string[] = [];
  const open: MqttClient[] = [];

  const login = async (username: string, password: string): Promise<MqttClient> => {
    const client = await connectAsync(broker.url, {
      username,
      password,
      protocolVersion: setup.protocolVersion,
      reconnectPeriod: 0,
      connectTimeout: 3000,
    });
    client.on('error', () => undefined);
    open.push(client);
    return client;
  };
  const refused = (username: string, password: string): Promise<boolean> =>
    login(username, password).then(
      () => false,
      () => true,
    );
  /** Publishes `marker` on its own connection; a refusal may close it, which is fine. */
  const attempt = async (key: string, topic: string, marker: string): Promise<void> => {
    const client = await login(idOf(key), key);
    // aedes answers a refused publish by closing the connection (MQTT 3.1.1 has no negative PUBACK)
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await Promise.race([
      client.publishAsync(topic, marker, { qos: 1 }).catch(() => undefined),
      closed,
    ]);
    await client.endAsync(true).catch(() => undefined);
  };
  const waitSeen = async (marker: string): Promise<void> => {
    const until = Date.now() + 5000;
    while (!seen.some((s) => s.endsWith(` ${marker}`))) {
      if (Date.now() > until) throw new Error(`${marker} never delivered`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    ({ broker, store } = await setup.start());
    observer = await connectAsync(broker.url, {
      username: MQTT_TEST_USER,
      password: MQTT_TEST_PASSWORD,
      protocolVersion: setup.protocolVersion,
    });
    await observer.subscribeAsync(['dispositivos/+/lecturas', 'iot/sensors4387t5', 'otro/#'], {
      qos: 1,
    });
    observer.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true).catch(() => undefined)));
    await observer?.endAsync();
    await broker?.dispose();
    await store?.close();
  });

  it('lets a bound device publish only to its own serials', async () => {
    const { key } = await store.keys.create({ role: 'dispositivo', series: ['CRED-1', 'CRED-2'] });
    await attempt(key, 'dispositivos/CRED-3/lecturas', 'bound-other');
    await attempt(key, 'iot/sensors4387t5', 'bound-original');
    await attempt(key, 'otro/topic', 'bound-otro');
    await attempt(key, 'dispositivos/CRED-2/lecturas', 'bound-own-2');
    await attempt(key, 'dispositivos/CRED-1/lecturas', 'bound-own-1');
    await waitSeen('bound-own-1');
    await waitSeen('bound-own-2');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((s) => s.includes(' bound-')).sort()).toEqual([
      'dispositivos/CRED-1/lecturas bound-own-1',
      'dispositivos/CRED-2/lecturas bound-own-2',
    ]);
  });

  it('lets an unbound device use any serial topic and the original topic, nothing else', async () => {
    const { key } = await store.keys.create({ role: 'dispositivo' });
    await attempt(key, 'otro/topic', 'free-otro');
    await attempt(key, 'dispositivos/ANY-9/lecturas', 'free-serial');
    await attempt(key, 'iot/sensors4387t5', 'free-original');
    await waitSeen('free-serial');
    await waitSeen('free-original');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((s) => s.includes(' free-')).sort()).toEqual([
      'dispositivos/ANY-9/lecturas free-serial',
      'iot/sensors4387t5 free-original',
    ]);
  });

  it('does not let a device read other devices', async () => {
    const { key } = await store.keys.create({ role: 'dispositivo' });
    const spy = await login(idOf(key), key);
    const got: string[] = [];
    spy.on('message', (topic) => got.push(topic));
    const granted = await spy
      .subscribeAsync('dispositivos/+/lecturas', { qos: 1 })
      .then((g) => g.map((x) => x.qos))
      .catch(() => [128]);
    await attempt(key, 'dispositivos/SPY-1/lecturas', 'spy-marker');
    await waitSeen('spy-marker');
    expect(granted.every((q) => q >= 128) || got.length === 0).toBe(true);
    expect(got).toEqual([]);
  });

  it('refuses wrong passwords, other keys’ usernames and non-device keys', async () => {
    const device = await store.keys.create({ role: 'dispositivo' });
    const other = await store.keys.create({ role: 'dispositivo' });
    const staff = await store.keys.create({ role: 'facturacion' });
    expect(await refused(device.apiKey.id, `${device.key}x`)).toBe(true);
    expect(await refused(device.apiKey.id, other.key)).toBe(true);
    expect(await refused(staff.apiKey.id, staff.key)).toBe(true);
    expect(await refused('', '')).toBe(true);
    expect(await refused(device.apiKey.id, device.key)).toBe(false);
  });

  it('disconnects a revoked device and refuses it afterwards', async () => {
    const { apiKey, key } = await store.keys.create({ role: 'dispositivo' });
    const client = await login(apiKey.id, key);
    const closed = new Promise<number>((resolve) =>
      client.once('close', () => resolve(Date.now())),
    );
    const revokedAt = Date.now();
    await store.keys.revoke(apiKey.id);
    expect((await closed) - revokedAt).toBeLessThan(5000);
    expect(await refused(apiKey.id, key)).toBe(true);
  });
});

// Mosquitto only (CI requires it); aedes lets dispositivo's login do anything
const describeMosquitto = mosquittoInstalled() ? describe : () => undefined;
describeMosquitto('dispositivo’s own Mosquitto client', () => {
  it('reads the reading topics through shared subscriptions and $SYS, and publishes nothing', async () => {
    const broker = await startMosquitto();
    const admin = await Dynsec.connect({ url: broker.dynsecUrl, timeoutMs: 5000 });
    const password = randomBytes(18).toString('base64url'); // random per run, like the others
    try {
      await admin.ensureService('svc', password, MQTT_DEFAULT_TOPICS.split(','));
      const svc = await connectAsync(broker.url, {
        username: 'svc',
        password,
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
      const granted = await svc.subscribeAsync(
        [
          '$share/dispositivo/dispositivos/+/lecturas',
          '$share/dispositivo/iot/sensors4387t5',
          'dispositivos/+/lecturas',
          '$SYS/broker/uptime',
        ],
        { qos: 1 },
      );
      expect(granted.map((g) => g.qos)).toEqual([1, 1, 1, 1]);
      await expect(svc.subscribeAsync('otro/#', { qos: 1 })).rejects.toThrow(/Not authorized/);
      await expect(svc.publishAsync('dispositivos/X/lecturas', '{}', { qos: 1 })).rejects.toThrow(
        /Not authorized/,
      );
      await svc.endAsync();
    } finally {
      await admin.close();
      await broker.dispose();
    }
  });

  // compose runs it at every `up`: re-creating the client disconnected every replica
  it('set up again unchanged leaves its connections alone; a new password or topic replaces it', async () => {
    const broker = await startMosquitto();
    const admin = await Dynsec.connect({ url: broker.dynsecUrl, timeoutMs: 5000 });
    const topics = MQTT_DEFAULT_TOPICS.split(',');
    const password = randomBytes(18).toString('base64url');
    const login = (p: string) =>
      connectAsync(broker.url, {
        username: 'svc',
        password: p,
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
    try {
      expect(await admin.ensureService('svc', password, topics)).toBe(true);
      const svc = await login(password);
      let closed = false;
      svc.on('close', () => (closed = true));
      expect(await admin.ensureService('svc', password, topics)).toBe(false);
      await new Promise((r) => setTimeout(r, 500));
      expect([closed, svc.connected]).toEqual([false, true]);

      // another topic list: re-created (and its connections dropped)
      expect(await admin.ensureService('svc', password, topics.slice(0, 1))).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      expect(closed).toBe(true);

      // another password: re-created; the old one is refused, the new one works
      const other = randomBytes(18).toString('base64url');
      expect(await admin.ensureService('svc', other, topics)).toBe(true);
      await expect(login(password)).rejects.toThrow(/Not authorized|Bad user name or password/);
      const again = await login(other);
      await again.endAsync();
      await svc.endAsync(true);
    } finally {
      await admin.close();
      await broker.dispose();
    }
  });
});

import mqtt, { MqttClient } from 'mqtt';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { DispositivoProcess, spawnDispositivo } from '../support/dispositivo-process';
import { Broker, brokerKinds, MQTT_TEST_PASSWORD, MQTT_TEST_USER } from '../support/mqtt-broker';

/** Real processes, a real broker (Mosquitto from the shipped config; the embedded one), real PostgreSQL. */
describe.each(brokerKinds())('MQTT ingestion under failure via $name', (kind) => {
  let broker: Broker;
  let db: TestDatabase;
  let pg: Client;
  let pub: MqttClient;
  const running: DispositivoProcess[] = [];

  beforeAll(async () => {
    broker = await kind.start();
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    pg.on('error', () => undefined); // the outage test terminates its backend on purpose
    await pg.connect();
    pub = await mqtt.connectAsync(broker.url, {
      username: MQTT_TEST_USER,
      password: MQTT_TEST_PASSWORD,
    });
  });

  afterAll(async () => {
    await Promise.all(running.map((p) => p.kill('SIGKILL')));
    await pub.endAsync();
    await pg.end();
    await db.drop();
    await broker.dispose();
  });

  const start = async (
    clientId: string,
    env: Record<string, string> = {},
  ): Promise<DispositivoProcess> => {
    const p = await spawnDispositivo({
      DATABASE_URL: db.url,
      MQTT_URL: broker.url,
      MQTT_USERNAME: MQTT_TEST_USER,
      MQTT_PASSWORD: MQTT_TEST_PASSWORD,
      MQTT_CLIENT_ID: clientId,
      ...kind.env,
      ...(kind.sharedSubscriptions ? { MQTT_CONNECTIONS: '8' } : {}),
      ...env,
    });
    running.push(p);
    return p;
  };
  const count = async (serie: string): Promise<number> =>
    (await pg.query('SELECT count(*)::int AS n FROM lectura WHERE numero_serie = $1', [serie]))
      .rows[0].n;
  const waitCount = async (serie: string, n: number, timeoutMs = 90_000): Promise<void> => {
    const until = Date.now() + timeoutMs;
    while ((await count(serie)) < n) {
      if (Date.now() > until) throw new Error(`${serie}: ${await count(serie)} of ${n} stored`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  /** Publishes `n` QoS 1 readings; resolves with how many the broker acknowledged. */
  async function publishMany(serie: string, n: number, during?: (sent: number) => Promise<void>) {
    let acked = 0;
    const window = 200;
    for (let base = 0; base < n; base += window) {
      const batch = [];
      for (let i = base; i < Math.min(base + window, n); i++) {
        const reading = {
          nombreVariable: 'voltaje',
          numeroSerie: serie,
          estampaTiempo: 1.7e12 + i,
          valorVariable: i,
        };
        batch.push(
          pub
            .publishAsync('iot/sensors4387t5', JSON.stringify(reading), { qos: 1 })
            .then(() => acked++),
        );
      }
      await Promise.all(batch);
      await during?.(base + window);
    }
    return acked;
  }

  it('kill -9 while 20,000 QoS 1 readings arrive: every acknowledged one is stored once', async () => {
    const first = await start('kill9');
    let killed = false;
    const acked = await publishMany('KILL9', 20_000, async (sent) => {
      if (!killed && sent >= 6000) {
        killed = true;
        await first.kill('SIGKILL');
        await start('kill9'); // same client id: resumes the broker session
      }
    });
    expect(killed).toBe(true);
    expect(acked).toBe(20_000);
    await waitCount('KILL9', 20_000);
    expect(await count('KILL9')).toBe(20_000); // the unique key makes "twice" impossible; this proves none lost
  });

  // a capability, not a skip: a broker without shared subscriptions has no such case
  if (kind.sharedSubscriptions) {
    it('two instances in one shared-subscription group split the load, total exact', async () => {
      const a = await start('split-a');
      const b = await start('split-b');
      const before = [
        (await a.health()).components.mqtt.messages,
        (await b.health()).components.mqtt.messages,
      ];
      await publishMany('SPLIT', 4000);
      await waitCount('SPLIT', 4000);
      expect(await count('SPLIT')).toBe(4000);
      const after = [
        (await a.health()).components.mqtt.messages,
        (await b.health()).components.mqtt.messages,
      ];
      const share = after.map((x, i) => x - before[i]);
      // /health names each replica's client id (compose checks its replicas are distinct by it)
      const ids = [(await a.health()).components.mqtt, (await b.health()).components.mqtt];
      expect(ids.map((m) => m.clientId)).toEqual(['split-a', 'split-b']);
      expect(share[0]).toBeGreaterThan(400);
      expect(share[1]).toBeGreaterThan(400);
    });
  }

  if (kind.crashSafe) {
    it('kill -9 of the broker mid-stream: every message it acknowledged is stored once', async () => {
      await start('broker-kill9');
      const publisher = await mqtt.connectAsync(broker.url, {
        username: MQTT_TEST_USER,
        password: MQTT_TEST_PASSWORD,
        reconnectPeriod: 200,
      });
      publisher.on('error', () => undefined);
      const acked = new Set<number>();
      let killed = false;
      for (let base = 0; base < 6000; base += 200) {
        const batch = [];
        for (let i = base; i < base + 200; i++) {
          const r = {
            nombreVariable: 'voltaje',
            numeroSerie: 'BKILL',
            estampaTiempo: 1.7e12 + i,
            valorVariable: i,
          };
          batch.push(
            publisher.publishAsync('iot/sensors4387t5', JSON.stringify(r), { qos: 1 }).then(
              () => acked.add(i),
              () => undefined,
            ),
          );
        }
        if (!killed && base >= 2000) {
          killed = true;
          await broker.stop('SIGKILL'); // mid-batch: some of these were acknowledged, some not
          await new Promise((r) => setTimeout(r, 1000));
          await broker.start();
        }
        // a message in flight when the broker died may never be acknowledged: count only what was
        await Promise.race([Promise.allSettled(batch), new Promise((r) => setTimeout(r, 10_000))]);
      }
      publisher.end(true);
      expect(killed).toBe(true);
      expect(acked.size).toBeGreaterThan(5000);
      await waitCount('BKILL', acked.size);
      const { rows } = await pg.query(
        "SELECT (estampa_tiempo - to_timestamp(1.7e9)) AS d, extract(epoch FROM estampa_tiempo) * 1000 - 1.7e12 AS i FROM lectura WHERE numero_serie = 'BKILL'",
      );
      const stored = new Set(rows.map((r: { i: number }) => Math.round(Number(r.i))));
      expect([...acked].filter((i) => !stored.has(i))).toEqual([]);
    });
  }

  // an operator points MQTT_URL at a Mosquitto with its default max_queued_messages (1000): under a
  // burst it drops QoS 1 messages before dispositivo sees them; dispositivo cannot prevent it, but says so
  const withDefaultQueueLimit = kind.startWithDefaultQueueLimit;
  if (withDefaultQueueLimit) {
    it('on a default-configured broker: warns in its log and reports the drop counter in /health', async () => {
      const defaultBroker = await withDefaultQueueLimit();
      const app = await spawnDispositivo({
        DATABASE_URL: db.url,
        MQTT_URL: defaultBroker.url,
        MQTT_USERNAME: MQTT_TEST_USER,
        MQTT_PASSWORD: MQTT_TEST_PASSWORD,
        MQTT_CLIENT_ID: `drops-${db.name}`,
        MQTT_CONNECTIONS: '1',
        MQTT_IN_FLIGHT: '20',
        LOG_LEVEL: 'warn',
      });
      running.push(app);
      const locker = new Client({ connectionString: db.url });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE lectura IN EXCLUSIVE MODE'); // dispositivo falls behind
      const burst = await mqtt.connectAsync(defaultBroker.url, {
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
        sent.push(burst.publishAsync('iot/sensors4387t5', JSON.stringify(r), { qos: 1 }));
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
      await burst.endAsync();
      const dropped = (await app.health()).components.mqtt.brokerDropped;
      await app.kill('SIGKILL');
      await defaultBroker.dispose();
      expect(dropped).toBeGreaterThan(0);
      expect(app.output()).toMatch(/the MQTT broker dropped messages.*max_queued_messages/);
    });
  }

  if (kind.persistent) {
    it('queued messages survive a graceful broker restart while dispositivo is down', async () => {
      const down = await start('restart-broker');
      await down.kill('SIGKILL'); // its session (and shared-group membership) stays on the broker
      expect(await publishMany('BROKER', 1500)).toBe(1500);
      await broker.stop('SIGTERM'); // mosquitto writes its persistence file
      await broker.start();
      await pub.endAsync(true);
      pub = await mqtt.connectAsync(broker.url, {
        username: MQTT_TEST_USER,
        password: MQTT_TEST_PASSWORD,
      });
      await start('restart-broker');
      await waitCount('BROKER', 1500);
      expect(await count('BROKER')).toBe(1500);
    });
  }

  it('a PostgreSQL outage during a stream delays readings but loses none', async () => {
    const app = await start('pg-outage', { LOG_LEVEL: 'warn' });
    const admin = new Client({ connectionString: process.env.TEST_PG_SERVER_URL });
    await admin.connect();
    let cut = false;
    try {
      const acked = await publishMany('PGDOWN', 3000, async (sent) => {
        if (cut || sent < 1000) return;
        cut = true;
        await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [db.name],
        );
        setTimeout(() => {
          void admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
        }, 2000);
      });
      expect(acked).toBe(3000);
      await pg.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 2500));
      pg = new Client({ connectionString: db.url });
      pg.on('error', () => undefined);
      await pg.connect();
      await waitCount('PGDOWN', 3000);
      expect(await count('PGDOWN')).toBe(3000);
      const { retries } = (await app.health()).components.mqtt;
      expect(retries).toBeGreaterThan(0); // it did wait out the outage
      // ...and said so in a few lines, not one per retry
      const warnings = app
        .output()
        .split('\n')
        .filter((l) => l.includes('cannot store message yet'));
      expect(warnings.length).toBeGreaterThan(0);
      expect(warnings.length).toBeLessThanOrEqual(3);
    } finally {
      await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
  });
});

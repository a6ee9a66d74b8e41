// The embedded MQTT broker of `npm start` (aedes, a real MQTT 3.1.1 broker in
// Node), in its own process so a crash of dispositivo cannot take queued
// messages with it; `npm start` restarts it if it dies. Sessions and queued
// QoS 1 messages are journaled to disk (broker-journal.mjs), so a kill -9 of
// the broker loses no acknowledged message. Plain ESM (aedes is ESM-only); the
// tests spawn it too.
//
// MQTT_BROKER_PORT (default 11883) on 127.0.0.1; MQTT_BROKER_DATA (default
// .data/mqtt) holds the journal; MQTT_USERNAME/MQTT_PASSWORD, when set, are
// dispositivo's own login (it may read everything). MQTT_KEYS_DATABASE_URL,
// when set, is the gateway's key store: a device logs in with its key's id as
// username and the key as password, may publish only to its serials' topics
// (an unbound key: any `dispositivos/+/lecturas` and the original
// `iot/sensors4387t5`), subscribes to nothing, and is disconnected within
// KEYS_REFRESH_MS once its key is revoked: the rules Mosquitto's
// dynamic-security plugin applies in production. Prints "ready <port>".
// The topic layout and the key store come from the built libs (npm start and
// the tests build first), so this broker and the apps cannot drift apart.
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import pg from 'pg';
import { JournaledPersistence } from './broker-journal.mjs';
import { mayPublish } from '../dist/libs/contracts/src/topics.js';
import { findActiveKeyIds, findDeviceLogin } from '../dist/libs/keys/src/device-logins.js';

const port = Number(process.env.MQTT_BROKER_PORT ?? 11883);
const host = process.env.MQTT_BROKER_HOST ?? '127.0.0.1';
const { MQTT_USERNAME: user, MQTT_PASSWORD: pass } = process.env;
const dataDir = process.env.MQTT_BROKER_DATA ?? '.data/mqtt';
mkdirSync(dataDir, { recursive: true });
const persistence = new JournaledPersistence(join(dataDir, 'journal.ndjson'));
const keysDb = process.env.MQTT_KEYS_DATABASE_URL
  ? new pg.Pool({ connectionString: process.env.MQTT_KEYS_DATABASE_URL, max: 2 })
  : undefined;
keysDb?.on('error', () => undefined);
const refreshMs = Number(process.env.KEYS_REFRESH_MS ?? 2000);

const sameSecret = (a, b) => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
};

/**
 * Topics aedes mishandles or MQTT forbids: an empty level (aedes 1.2 then
 * drops the subscriber's delivery yet acknowledges the publisher) and U+0000
 * ([MQTT-4.7.3-2]). Refusing closes the publisher's connection (MQTT 3.1.1 has
 * no negative PUBACK), so nothing is acknowledged that is not delivered.
 */
function topicProblem(topic) {
  if (topic.includes('\u0000')) return 'topic contains U+0000';
  if (topic.split('/').some((level) => level === '')) return 'topic has an empty level';
  return undefined;
}

const broker = await Aedes.createBroker({
  persistence,
  // deliveries in flight per client: the subscriber acks only after its commit
  queueLimit: 1_000_000,
  authenticate: (client, username, password, done) => {
    const secret = password?.toString() ?? '';
    if (user && username === user) return done(null, sameSecret(secret, pass ?? ''));
    if (!keysDb) return done(null, !user);
    findDeviceLogin(keysDb, username ?? '', secret).then(
      (device) => {
        client.device = device;
        done(null, device !== undefined);
      },
      (error) => done(error, false),
    );
  },
  authorizeSubscribe: (client, subscription, done) =>
    client.device ? done(new Error('devices do not subscribe')) : done(null, subscription),
  authorizePublish: (client, packet, done) => {
    if (packet.topic.startsWith('$SYS')) return done(new Error('$SYS topics are reserved'));
    const problem = topicProblem(packet.topic);
    if (problem) return done(new Error(problem));
    if (client.device && !mayPublish(client.device.series, packet.topic)) {
      return done(new Error(`not allowed to publish to ${packet.topic}`));
    }
    // on disk before aedes writes the PUBACK
    if (packet.qos > 0) persistence.accept(packet);
    done(null);
  },
});

// what the last run acknowledged but never queued: publish it again
for (const m of await persistence.restore(broker)) {
  const packet = {
    cmd: 'publish',
    topic: m.topic,
    payload: m.payload,
    qos: 1,
    retain: false,
    dup: false,
  };
  persistence.accept(packet);
  await new Promise((resolve, reject) =>
    broker.publish(packet, (e) => (e ? reject(e) : resolve())),
  );
}
// revoked keys: their connected devices are dropped
if (keysDb) {
  const sweep = async () => {
    const devices = Object.values(broker.clients).filter((c) => c.device);
    if (devices.length === 0) return;
    const active = await findActiveKeyIds(
      keysDb,
      devices.map((c) => c.device.keyId),
    );
    for (const c of devices) if (!active.has(c.device.keyId)) c.close();
  };
  const loop = () =>
    setTimeout(
      () =>
        sweep()
          .catch(() => undefined)
          .finally(loop),
      refreshMs,
    ).unref();
  loop();
}

const server = net.createServer(broker.handle);
server.listen(port, host, () => process.stdout.write(`ready ${port}\n`));

// close the clients first: server.close() alone waits for every connection to end
const stop = () => {
  setTimeout(() => process.exit(0), 3000).unref();
  broker.close(() => server.close(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

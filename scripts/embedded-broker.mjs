// The embedded MQTT broker of `npm start` (aedes, a real MQTT 3.1.1 broker in
// Node), in its own process so a crash of dispositivo cannot take queued
// messages with it; `npm start` restarts it if it dies. Sessions and queued
// QoS 1 messages are journaled to disk (broker-journal.mjs), so a kill -9 of
// the broker loses no acknowledged message. Plain ESM (aedes is ESM-only); the
// tests spawn it too.
//
// MQTT_BROKER_PORT (default 11883) on 127.0.0.1; MQTT_BROKER_DATA (default
// .data/mqtt) holds the journal; MQTT_USERNAME/MQTT_PASSWORD, when set, are
// required of every client. Prints "ready <port>" when listening.
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { JournaledPersistence } from './broker-journal.mjs';

const port = Number(process.env.MQTT_BROKER_PORT ?? 11883);
const host = process.env.MQTT_BROKER_HOST ?? '127.0.0.1';
const { MQTT_USERNAME: user, MQTT_PASSWORD: pass } = process.env;
const dataDir = process.env.MQTT_BROKER_DATA ?? '.data/mqtt';
mkdirSync(dataDir, { recursive: true });
const persistence = new JournaledPersistence(join(dataDir, 'journal.ndjson'));

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
  authenticate: (_client, username, password, done) => {
    if (!user) return done(null, true);
    done(null, username === user && password?.toString() === pass);
  },
  authorizePublish: (_client, packet, done) => {
    if (packet.topic.startsWith('$SYS')) return done(new Error('$SYS topics are reserved'));
    const problem = topicProblem(packet.topic);
    if (problem) return done(new Error(problem));
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
const server = net.createServer(broker.handle);
server.listen(port, host, () => process.stdout.write(`ready ${port}\n`));

// close the clients first: server.close() alone waits for every connection to end
const stop = () => {
  setTimeout(() => process.exit(0), 3000).unref();
  broker.close(() => server.close(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

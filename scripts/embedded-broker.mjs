// The embedded MQTT broker of `npm start` (aedes, a real MQTT 3.1.1 broker in
// Node), in its own process so a crash of dispositivo cannot take queued
// messages with it; `npm start` restarts it if it dies. Plain ESM (aedes is
// ESM-only); the tests spawn it too. Its queues are in memory: what it holds
// when it dies is lost (README: for durability use Mosquitto via MQTT_URL).
//
// MQTT_BROKER_PORT (default 11883) on 127.0.0.1; MQTT_USERNAME/MQTT_PASSWORD,
// when set, are required of every client. Prints "ready <port>" when listening.
import net from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.env.MQTT_BROKER_PORT ?? 11883);
const host = process.env.MQTT_BROKER_HOST ?? '127.0.0.1';
const { MQTT_USERNAME: user, MQTT_PASSWORD: pass } = process.env;

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
  // deliveries in flight per client: the subscriber acks only after its commit
  queueLimit: 1_000_000,
  authenticate: (_client, username, password, done) => {
    if (!user) return done(null, true);
    done(null, username === user && password?.toString() === pass);
  },
  authorizePublish: (_client, packet, done) => {
    if (packet.topic.startsWith('$SYS')) return done(new Error('$SYS topics are reserved'));
    const problem = topicProblem(packet.topic);
    done(problem ? new Error(problem) : null);
  },
});
const server = net.createServer(broker.handle);
server.listen(port, host, () => process.stdout.write(`ready ${port}\n`));

const stop = () => server.close(() => broker.close(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

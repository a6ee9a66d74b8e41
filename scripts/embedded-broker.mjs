// The embedded MQTT broker of `npm start` (aedes, a real MQTT 3.1.1 broker in
// Node), in its own process so that a crash of dispositivo cannot take queued
// messages with it. Plain ESM (aedes is ESM-only); the tests spawn it too.
// MQTT_BROKER_PORT (default 11883) on 127.0.0.1; MQTT_USERNAME/MQTT_PASSWORD,
// when set, are required of every client. Prints "ready <port>" when listening.
import net from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.env.MQTT_BROKER_PORT ?? 11883);
const host = process.env.MQTT_BROKER_HOST ?? '127.0.0.1';
const { MQTT_USERNAME: user, MQTT_PASSWORD: pass } = process.env;

const broker = await Aedes.createBroker({
  // deliveries in flight per client: the subscriber acks only after its commit
  queueLimit: 1_000_000,
  authenticate: (_client, username, password, done) => {
    if (!user) return done(null, true);
    done(null, username === user && password?.toString() === pass);
  },
});
const server = net.createServer(broker.handle);
server.listen(port, host, () => process.stdout.write(`ready ${port}\n`));

const stop = () => server.close(() => broker.close(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

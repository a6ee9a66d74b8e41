// Smoke test helper: publishes one `corriente` reading for serial argv[2] on the
// embedded broker (QoS 1), logging in as argv[3] with the device key read from
// stdin (kept out of the environment and the command line). Exit 0 once acknowledged.
import mqtt from 'mqtt';

const [serie, username] = process.argv.slice(2);
let password = '';
for await (const chunk of process.stdin) password += chunk;

const client = mqtt.connect('mqtt://127.0.0.1:11883', {
  protocolVersion: 4,
  username,
  password: password.trim(),
  reconnectPeriod: 0,
});
setTimeout(() => {
  process.stderr.write('publish timed out\n');
  process.exit(1);
}, 10_000).unref();
client.on('error', (e) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
client.on('connect', async () => {
  const reading = { nombreVariable: 'corriente', estampaTiempo: 1738324800000, valorVariable: 4.5 };
  await client.publishAsync(`dispositivos/${serie}/lecturas`, JSON.stringify(reading), { qos: 1 });
  await client.endAsync();
  process.exit(0);
});

/**
 * Baseline for MQTT: a bare subscriber on the same broker and topic that only
 * counts messages (acknowledging each at once). argv: url user password expected.
 */
import mqtt from 'mqtt';

const [url, username, password, expectedArg] = process.argv.slice(2);
const expected = Number(expectedArg);

async function main(): Promise<void> {
  const client = await mqtt.connectAsync(url, { username, password, protocolVersion: 5 });
  let readings = 0;
  let first = 0;
  client.on('message', (_topic, payload) => {
    first ||= Date.now();
    const text = payload.toString();
    readings += text.startsWith('[') ? (JSON.parse(text) as unknown[]).length : 1;
    if (readings >= expected) {
      process.stdout.write(`${JSON.stringify({ readings, ms: Date.now() - first })}\n`);
      void client.endAsync().then(() => process.exit(0));
    }
  });
  await client.subscribeAsync('iot/sensors4387t5', { qos: 1 });
  process.stdout.write('subscribed\n');
}

void main();

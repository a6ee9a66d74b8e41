/**
 * Load generator (its own process): publishes QoS 1 readings as fast as the
 * broker acknowledges them, with a window of unacknowledged publishes.
 * argv: url user password count perMessage serialPrefix. Prints JSON when done.
 */
import mqtt from 'mqtt';

const [url, username, password, countArg, perArg, prefix] = process.argv.slice(2);
const count = Number(countArg);
const per = Number(perArg);
const WINDOW = 1000;

async function main(): Promise<void> {
  const client = await mqtt.connectAsync(url, { username, password, protocolVersion: 5 });
  const started = Date.now();
  let next = 0;
  let acked = 0;
  const message = (): string => {
    const items: string[] = [];
    for (let k = 0; k < per; k++) {
      const i = next++;
      // estampaTiempo = publish time (for the latency); a serial per reading keeps keys unique
      items.push(
        `{"nombreVariable":"voltaje","numeroSerie":"${prefix}${i}","estampaTiempo":${Date.now()},"valorVariable":${i}}`,
      );
    }
    return per === 1 ? items[0] : `[${items.join(',')}]`;
  };
  const worker = async (): Promise<void> => {
    while (next < count) {
      await client.publishAsync('iot/sensors4387t5', message(), { qos: 1 });
      acked += per;
    }
  };
  await Promise.all(Array.from({ length: WINDOW / Math.max(1, per / 10) }, worker));
  process.stdout.write(`${JSON.stringify({ acked, ms: Date.now() - started })}\n`);
  await client.endAsync();
}

main().catch((error: unknown) => {
  process.stderr.write(`publisher failed: ${String(error)}\n`);
  process.exit(1);
});

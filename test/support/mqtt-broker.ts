import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Broker, managed, startMosquitto as mosquittoOn } from '../../scripts/mosquitto';
import { freePort } from './ports';

export type { Broker };
export const MQTT_TEST_USER = 'dispositivo';
export const MQTT_TEST_PASSWORD = 'test-password-0123456789';

/** Mosquitto from deploy/mosquitto/mosquitto.conf on a free port, with test credentials. */
export async function startMosquitto(): Promise<Broker> {
  return mosquittoOn(await freePort(), { user: MQTT_TEST_USER, password: MQTT_TEST_PASSWORD });
}

/** The embedded broker of `npm start` (aedes), as its own process. */
export async function startEmbeddedBroker(): Promise<Broker> {
  const port = await freePort();
  const script = join(__dirname, '..', '..', 'scripts', 'embedded-broker.mjs');
  return managed(
    port,
    () =>
      spawn(process.execPath, [script], {
        env: {
          ...process.env,
          MQTT_BROKER_PORT: String(port),
          MQTT_USERNAME: MQTT_TEST_USER,
          MQTT_PASSWORD: MQTT_TEST_PASSWORD,
        },
        stdio: 'ignore',
      }),
    () => undefined,
  );
}

import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, managed, Mosquitto, startMosquitto as mosquittoOn } from '../../scripts/mosquitto';
import { mosquittoInstalled } from './mosquitto-installed';
import { freePort } from './ports';

export { mosquittoInstalled };

export type { Broker, Mosquitto };
export const MQTT_TEST_USER = 'dispositivo';
/** Random per test worker, like TEST_API_KEY. */
export const MQTT_TEST_PASSWORD = randomBytes(18).toString('base64url');

/** Mosquitto from deploy/mosquitto/mosquitto.conf on a free port, with test credentials. */
export async function startMosquitto(adapt?: (conf: string) => string): Promise<Mosquitto> {
  return mosquittoOn(
    await freePort(),
    { user: MQTT_TEST_USER, password: MQTT_TEST_PASSWORD },
    adapt,
  );
}

/** The embedded broker of `npm start` (aedes, its journal in a temp folder), as its own process. */
export async function startEmbeddedBroker(env: Record<string, string> = {}): Promise<Broker> {
  const port = await freePort();
  const script = join(__dirname, '..', '..', 'scripts', 'embedded-broker.mjs');
  const data = mkdtempSync(join(tmpdir(), 'iot-aedes-'));
  return managed(
    port,
    () =>
      spawn(process.execPath, [script], {
        env: {
          ...process.env,
          MQTT_BROKER_PORT: String(port),
          MQTT_BROKER_DATA: data,
          MQTT_USERNAME: MQTT_TEST_USER,
          MQTT_PASSWORD: MQTT_TEST_PASSWORD,
          ...env,
        },
        stdio: 'ignore',
      }),
    () => rmSync(data, { recursive: true, force: true }),
  );
}

/** A broker the MQTT specs run against, with what it can do. */
export interface BrokerKind {
  name: string;
  start(): Promise<Broker>;
  /** dispositivo settings for it. */
  env: Record<string, string>;
  protocolVersion: 4 | 5;
  /** `$share/...` groups, so instances split the load. */
  sharedSubscriptions: boolean;
  /** Queued messages survive a broker restart. */
  persistent: boolean;
  /** Every message it acknowledged survives a kill -9 (Mosquitto saves every autosave_interval). */
  crashSafe: boolean;
  /** Starts one with its default queue limit, which drops messages under a burst (Mosquitto). */
  startWithDefaultQueueLimit?: () => Promise<Broker>;
}

const MOSQUITTO: BrokerKind = {
  name: 'mosquitto (shipped config, MQTT 5, shared subscription)',
  start: () => startMosquitto(),
  env: { MQTT_CONNECTIONS: '4' },
  protocolVersion: 5,
  sharedSubscriptions: true,
  persistent: true,
  crashSafe: false,
  startWithDefaultQueueLimit: () =>
    startMosquitto((conf) =>
      conf
        .replace(/^max_queued_messages 0$/m, '# max_queued_messages: Mosquitto default (1000)')
        .replace(/^max_queued_bytes 0$/m, '')
        .concat('\nsys_interval 1\n'),
    ),
};

const EMBEDDED: BrokerKind = {
  name: 'embedded aedes (MQTT 3.1.1, no shared subscription, journaled)',
  start: () => startEmbeddedBroker(),
  env: { MQTT_PROTOCOL_VERSION: '4', MQTT_SHARED_GROUP: 'none' },
  protocolVersion: 4,
  sharedSubscriptions: false,
  persistent: true,
  crashSafe: true,
};

/**
 * The embedded broker always (it ships on npm), Mosquitto where installed. CI
 * sets REQUIRE_MOSQUITTO=1 (global setup then fails without it); on a machine
 * with only Node.js the Mosquitto-only cases (shared-subscription split,
 * broker drop warning) cannot run and global setup says so.
 */
export function brokerKinds(): BrokerKind[] {
  return mosquittoInstalled() ? [MOSQUITTO, EMBEDDED] : [EMBEDDED];
}

/** Runs Mosquitto from the shipped config on a private port: for tests and the benchmark. */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { Dynsec } from '@iot/keys';
import { MQTT_DEFAULT_TOPICS } from '../apps/dispositivo/src/mqtt/mqtt.config';

export interface Broker {
  url: string;
  port: number;
  /** Stops the broker; `start()` brings it back on the same port and data. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

function waitPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve();
      });
      socket.once('error', () => {
        if (Date.now() > until) reject(new Error(`broker on ${port} did not come up`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export function managed(
  port: number,
  launch: () => ChildProcess,
  cleanup: () => void,
): Promise<Broker> {
  let child: ChildProcess | undefined;
  const broker: Broker = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    start: async () => {
      child = launch();
      await waitPort(port);
    },
    stop: async (signal = 'SIGTERM') => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill(signal);
      });
    },
    dispose: async () => {
      await broker.stop();
      cleanup();
    },
  };
  return broker.start().then(() => broker);
}

// this file runs from scripts/ (jest) and from dist/scripts/ (bench)
const REPO = existsSync(join(__dirname, '..', 'deploy'))
  ? join(__dirname, '..')
  : join(__dirname, '..', '..');

const DEBIAN_DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
const DYNSEC_ADMIN = 'admin';

export interface Mosquitto extends Broker {
  /** MQTT_DYNSEC_URL: the dynamic-security admin's login. */
  dynsecUrl: string;
}

/**
 * Mosquitto (the Debian package) started from the shipped
 * deploy/mosquitto/mosquitto.conf, with only the port, data folder, log and
 * plugin paths swapped for test ones, its dynamic-security file initialised
 * with an admin, and `credentials` as dispositivo's client. For tests and the
 * benchmark only, that client may also publish and subscribe to anything (the
 * specs and load generators publish and observe with it); in production it
 * only reads the reading topics.
 */
export async function startMosquitto(
  port: number,
  credentials: { user: string; password: string },
  /** Changes to the shipped config (tests of what a default broker does). */
  adapt: (conf: string) => string = (conf) => conf,
): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-mosquitto-'));
  chmodSync(dir, 0o777); // mosquitto drops to its own user
  const dynsecFile = join(dir, 'dynamic-security.json');
  const adminPassword = randomBytes(18).toString('base64url');
  execFileSync('mosquitto_ctrl', ['dynsec', 'init', dynsecFile, DYNSEC_ADMIN, adminPassword], {
    stdio: 'ignore',
  });
  chmodSync(dynsecFile, 0o666);
  const shipped = readFileSync(join(REPO, 'deploy', 'mosquitto', 'mosquitto.conf'), 'utf8');
  const conf = shipped
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`)
    .replace(/^plugin .*$/m, `plugin ${DEBIAN_DYNSEC_PLUGIN}`)
    .replace(/^plugin_opt_config_file .*$/m, `plugin_opt_config_file ${dynsecFile}`)
    .replace(/^log_dest stdout$/m, `log_dest file ${dir}/mosquitto.log`);
  if (conf === shipped) throw new Error('mosquitto.conf lines to adapt not found');
  writeFileSync(join(dir, 'mosquitto.conf'), adapt(conf));
  const broker = await managed(
    port,
    () => spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' }),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  const dynsecUrl = `mqtt://${DYNSEC_ADMIN}:${adminPassword}@127.0.0.1:${port}`;
  const admin = await Dynsec.connect({ url: dynsecUrl, timeoutMs: 5000 });
  try {
    await admin.ensureService(
      credentials.user,
      credentials.password,
      MQTT_DEFAULT_TOPICS.split(','),
    );
    const rolename = 'test-client';
    await admin.run([
      {
        command: 'createRole',
        rolename,
        acls: ['publishClientSend', 'subscribePattern'].map((acltype) => ({
          acltype,
          topic: '#',
          allow: true,
        })),
      },
      { command: 'addClientRole', username: credentials.user, rolename },
    ]);
  } finally {
    await admin.close();
  }
  return Object.assign(broker, { dynsecUrl });
}

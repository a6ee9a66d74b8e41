/** Runs Mosquitto from the shipped config on a private port: for tests and the benchmark. */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';

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

/**
 * Mosquitto (the Debian package) started from the shipped deploy/mosquitto/mosquitto.conf, with
 * only the port, data folder and password file swapped for test ones.
 */
export async function startMosquitto(
  port: number,
  credentials: { user: string; password: string },
  /** Changes to the shipped config (tests of what a default broker does). */
  adapt: (conf: string) => string = (conf) => conf,
): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-mosquitto-'));
  chmodSync(dir, 0o777); // mosquitto drops to its own user
  const passwords = join(dir, 'passwords');
  execFileSync('mosquitto_passwd', ['-b', '-c', passwords, credentials.user, credentials.password]);
  chmodSync(passwords, 0o644);
  const shipped = readFileSync(join(REPO, 'deploy', 'mosquitto', 'mosquitto.conf'), 'utf8');
  const conf = shipped
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`)
    .replace(/^password_file .*$/m, `password_file ${passwords}`)
    .replace(/^log_dest stdout$/m, `log_dest file ${dir}/mosquitto.log`);
  if (conf === shipped) throw new Error('mosquitto.conf lines to adapt not found');
  writeFileSync(join(dir, 'mosquitto.conf'), adapt(conf));
  return managed(
    port,
    () => spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' }),
    () => rmSync(dir, { recursive: true, force: true }),
  );
}

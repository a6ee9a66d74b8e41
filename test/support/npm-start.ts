import { ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../scripts/ports';
import { waitFor } from './wait';

const ROOT = join(__dirname, '..', '..');

export interface Running {
  child: ChildProcess;
  output(): string;
}

/** A Node.js script in its own process group: everything it starts is stopped with it. */
export function run(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, args, { env, detached: true });
  let text = '';
  child.stdout?.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (text += b.toString()));
  return { child, output: () => text };
}

/** Ctrl-C to the group, as a user would; SIGKILL after 20 s. */
export async function stop(p: Running | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  process.kill(-p.child.pid!, 'SIGINT');
  const killer = setTimeout(() => process.kill(-p.child.pid!, 'SIGKILL'), 20_000);
  await exited;
  clearTimeout(killer);
}

export interface NpmStart {
  running: Running;
  gateway: string;
  brokerPort: number;
  /** A key the first start printed (`dispositivo`, `admin`). */
  key: (role: string) => string | undefined;
  /** Stops it and removes the data it moved where the postgres user can reach it (as root). */
  close: () => Promise<void>;
}

/**
 * `npm start` (the built script) on its embedded defaults, its data under
 * `work`, every port free; resolves once it says it is ready.
 */
export async function npmStart(work: string, env: NodeJS.ProcessEnv = {}): Promise<NpmStart> {
  const [gatewayPort, dispositivoPort, facturacionPort, brokerPort, pgPort] = await Promise.all(
    Array.from({ length: 5 }, () => freePort()),
  );
  const running = run([join(ROOT, 'dist', 'scripts', 'start.js')], {
    PATH: process.env.PATH,
    HOME: work,
    DATA_DIR: join(work, 'data'),
    EMBEDDED_PG_DIR: join(work, 'data', 'postgres'),
    EMBEDDED_PG_PORT: String(pgPort),
    GATEWAY_PORT: String(gatewayPort),
    DISPOSITIVO_PORT: String(dispositivoPort),
    FACTURACION_PORT: String(facturacionPort),
    MQTT_BROKER_PORT: String(brokerPort),
    ...env,
  });
  await waitFor(
    () => Promise.resolve(running.output().includes('ready; Ctrl-C')),
    150_000,
    'npm start',
  );
  return {
    running,
    gateway: `http://127.0.0.1:${gatewayPort}`,
    brokerPort,
    key: (role) =>
      new RegExp(`\\[start\\] API key \\(${role}\\)  (iot_[0-9a-f]+_[A-Za-z0-9_-]+)`).exec(
        running.output(),
      )?.[1],
    close: async () => {
      await stop(running);
      const moved = /data in (\/var\/lib\/iot-backend\/[0-9a-f]+)\/postgres/.exec(
        running.output(),
      )?.[1];
      if (moved) rmSync(moved, { recursive: true, force: true });
    },
  };
}

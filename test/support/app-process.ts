import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_API_KEY } from './dispositivo';
import { createTestKeyStore, TEST_GATEWAY_SECRET } from './gateway';
import { freePort } from './ports';

const PORT_VAR = {
  dispositivo: 'DISPOSITIVO_PORT',
  facturacion: 'FACTURACION_PORT',
  gateway: 'GATEWAY_PORT',
} as const;

export type AppName = keyof typeof PORT_VAR;

export interface AppProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** What it printed on stdout (its log lines). */
  output(): string;
  /** What it printed on stderr (also passed through to the test's stderr). */
  errors(): string;
  health(): Promise<any>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * A built app (`pretest` builds) as its own OS process, so a test can kill -9
 * it. Every app shares the run's GATEWAY_SECRET; a gateway without a
 * DATABASE_URL gets a fresh key store where TEST_API_KEY is an admin key.
 */
export async function spawnApp(
  app: AppName,
  env: Record<string, string>,
  port?: number,
): Promise<AppProcess> {
  const main = join(__dirname, '..', '..', 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} missing: run npm run build (npm test does)`);
  const listen = port ?? (await freePort());
  const own: Record<string, string> = {};
  if (app === 'gateway') {
    own.KEYS_REFRESH_MS = '200';
    if (!env.DATABASE_URL) {
      const store = await createTestKeyStore();
      await store.close();
      own.DATABASE_URL = store.url;
    }
  }
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      LOG_LEVEL: 'error',
      API_KEYS: TEST_API_KEY,
      GATEWAY_SECRET: TEST_GATEWAY_SECRET,
      [PORT_VAR[app]]: String(listen),
      ...own,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    errors += c.toString();
    process.stderr.write(c);
  });
  const url = `http://127.0.0.1:${listen}`;
  const health = async () => {
    const res = await fetch(`${url}/health`).catch(() => undefined);
    return res ? ((await res.json()) as any) : undefined;
  };
  const until = Date.now() + 30_000;
  while ((await health())?.status !== 'ok') {
    if (Date.now() > until || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`${app} did not become healthy:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port: listen,
    child,
    output: () => output,
    errors: () => errors,
    health,
    kill: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_API_KEY } from './dispositivo';
import { freePort } from './ports';

const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'dispositivo', 'src', 'main.js');

export interface DispositivoProcess {
  url: string;
  child: ChildProcess;
  /** What it printed on stdout (its log lines). */
  output(): string;
  health(): Promise<any>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** dispositivo as its own OS process (built by `pretest`), so a test can kill -9 it. */
export async function spawnDispositivo(env: Record<string, string>): Promise<DispositivoProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run npm run build (npm test does)`);
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      LOG_LEVEL: 'error',
      API_KEYS: TEST_API_KEY,
      DISPOSITIVO_PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const health = async () => {
    const res = await fetch(`${url}/health`).catch(() => undefined);
    return res ? ((await res.json()) as any) : undefined;
  };
  const until = Date.now() + 30_000;
  while ((await health())?.status !== 'ok') {
    if (Date.now() > until || child.exitCode !== null)
      throw new Error('dispositivo did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => output,
    health,
    kill: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

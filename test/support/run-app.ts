import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Runs a built app's main.js to its exit (bad config, unreachable database...). */
export function runToExit(
  app: 'dispositivo' | 'facturacion' | 'gateway',
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stderr: string; stdout: string; ms: number }> {
  const main = join(__dirname, '..', '..', 'dist', 'apps', app, 'src', 'main.js');
  const started = Date.now();
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout, ms: Date.now() - started });
    }),
  );
}

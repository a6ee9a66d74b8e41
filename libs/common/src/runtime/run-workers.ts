import cluster, { Worker } from 'node:cluster';
import { EXIT_CONFIG } from './run-service';

/**
 * Runs `count` copies of this process sharing its listening port (node:cluster)
 * and supervises them: a worker that dies is replaced (after a second, so a
 * crash loop cannot spin), one that exits with a configuration error (78)
 * stops them all with that code, and SIGTERM/SIGINT are passed on to every
 * worker; the primary exits once they have. Call it in the primary only.
 */
export function runWorkers(name: string, count: number): void {
  let stopping = false;
  const fork = (): Worker => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    if (code === EXIT_CONFIG) {
      process.stderr.write(`${name}: a worker exited with a configuration error\n`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
      process.exitCode = EXIT_CONFIG;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(EXIT_CONFIG);
      return;
    }
    process.stderr.write(
      `${name}: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`,
    );
    setTimeout(fork, 1000).unref();
  });
  const stop = (signal: NodeJS.Signals): void => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const w of workers) w?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < count; i++) fork();
}

export const isPrimary = (): boolean => cluster.isPrimary;

import { ChildProcess, spawn } from 'node:child_process';
import { APP_NODE_FLAGS } from '../../scripts/node-flags';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export { freePort } from '../../scripts/ports';

export interface Child {
  process: ChildProcess;
  /** Peak resident set size in bytes, sampled from /proc every 200 ms. */
  peakRss(): number;
  /** CPU time (user + system) used so far, in seconds, from /proc; 0 once exited. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const CLOCK_TICKS = 100; // USER_HZ: what /proc/<pid>/stat counts in on Linux

function cpuOf(pid: number): number {
  try {
    // after the command, which is in parentheses and may hold spaces: fields 14 and 15
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs a compiled script of this repo (path under dist/) as its own process. */
export function runNode(script: string, env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, join(__dirname, '..', '..', script)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid ?? 0))), 200);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    peakRss: () => peak,
    cpuSeconds: () => cpuOf(child.pid ?? 0),
    stop: async () => {
      clearInterval(sampler);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function waitHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (
      await fetch(url).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** Runs a compiled script with arguments; resolves with its stdout once `marker` appears. */
export function runNodeUntil(
  script: string,
  args: string[],
  marker: string,
  env: NodeJS.ProcessEnv = {},
): { output: Promise<string>; exited: Promise<string>; stop(): void } {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  const output = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(marker)) resolve(text);
    });
    child.once('exit', (code) =>
      text.includes(marker) ? resolve(text) : reject(new Error(`${script} exited ${code}`)),
    );
  });
  const exited = new Promise<string>((resolve) => child.once('exit', () => resolve(text)));
  return { output, exited, stop: () => void child.kill('SIGTERM') };
}

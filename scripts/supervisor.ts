import { ChildProcess, spawn } from 'node:child_process';

/** sysexits EX_CONFIG, as the apps exit on a bad setting: restarting cannot help. */
const EXIT_CONFIG = 78;

export interface SupervisedOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
  /** This many exits, each within `fastMs` of its start, in a row: give up. */
  maxFastFailures?: number;
  fastMs?: number;
  restartDelayMs?: number;
  /** Called with each line the child prints on stdout (e.g. to see "ready"). */
  onStdout?: (line: string) => void;
}

/**
 * One child process kept running: restarted after it dies (with a log line),
 * but not forever: an exit code 78 (bad configuration) or a few fast failures
 * in a row stop the restarts, with the child's own last words.
 */
export class Supervised {
  private child?: ChildProcess;
  private stopped = false;
  private fastFailures = 0;
  private lastStderr: string[] = [];
  /** Settles when the supervisor gives up on the child (never when stopped on purpose). */
  readonly gaveUp: Promise<string>;
  private giveUp!: (reason: string) => void;

  constructor(private readonly o: SupervisedOptions) {
    this.gaveUp = new Promise((resolve) => (this.giveUp = resolve));
    this.launch();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private launch(): void {
    const startedAt = Date.now();
    const child = spawn(this.o.command, this.o.args, {
      env: this.o.env,
      // its own process group: a terminal's Ctrl-C reaches only the supervisor,
      // which stops its children in order (not all at once, nor seen as a crash)
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.lastStderr = [];
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (this.o.onStdout) for (const line of chunk.toString().split('\n')) this.o.onStdout(line);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.lastStderr.push(...chunk.toString().split('\n').filter(Boolean));
      this.lastStderr = this.lastStderr.slice(-5);
    });
    child.on('exit', (code, signal) => {
      if (this.stopped) return;
      const why = this.lastStderr.join(' | ') || `exit ${signal ?? code}`;
      if (code === EXIT_CONFIG) {
        this.say(`${this.o.name} has a configuration problem, not restarting: ${why}`);
        this.giveUp(why);
        return;
      }
      const fast = Date.now() - startedAt < (this.o.fastMs ?? 10_000);
      this.fastFailures = fast ? this.fastFailures + 1 : 0;
      if (this.fastFailures >= (this.o.maxFastFailures ?? 3)) {
        this.say(
          `${this.o.name} failed ${this.fastFailures} times right after starting, not restarting: ${why}`,
        );
        this.giveUp(why);
        return;
      }
      const delay = (this.o.restartDelayMs ?? 1000) * 2 ** this.fastFailures;
      this.say(`${this.o.name} exited (${signal ?? code}); restarting in ${delay / 1000} s`);
      setTimeout(() => {
        if (!this.stopped) this.launch();
      }, delay).unref();
    });
  }

  private say(line: string): void {
    this.o.say(line);
  }

  /** Last resort when the supervisor itself exits: no child outlives it. */
  kill(): void {
    this.stopped = true;
    if (this.child?.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopped = true;
    const child = this.child;
    return new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

import { createLogger, RateLimitedLog } from '@iot/common';
import { Role } from '@iot/contracts';
import { keyDigest } from './api-key';
import { KeysRepository } from './keys.repository';

/** A key the gateway accepts. */
export interface KeyHolder {
  keyId: string;
  role: Role;
  series?: string[];
}

/**
 * Every active key, by digest, in memory: a request costs one SHA-256 and a
 * map lookup, never a query. Polls the store every `refreshMs` for keys
 * changed since the last look, so a revocation takes effect on every gateway
 * instance within `refreshMs` plus one query. With the database unreachable
 * the last known keys stay in force (devices keep sending) and a warning
 * repeats; revocations wait for the database.
 */
export class KeyCache {
  private readonly byDigest = new Map<string, KeyHolder>();
  private horizon = '0';
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private loaded = false;
  private readonly log = createLogger('keys');
  private readonly warnings = new RateLimitedLog(30_000);

  constructor(
    private readonly repository: KeysRepository,
    private readonly refreshMs: number,
  ) {}

  /** First load (retried until it works), then the polling loop. */
  async start(): Promise<void> {
    await this.refresh();
    const loop = (): void => {
      if (this.stopped) return; // a refresh in flight at stop() must not start another
      this.timer = setTimeout(() => void this.refresh().finally(loop), this.refreshMs);
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  get ready(): boolean {
    return this.loaded;
  }

  get size(): number {
    return this.byDigest.size;
  }

  resolve(key: string): KeyHolder | undefined {
    return this.byDigest.get(keyDigest(key).toString('base64'));
  }

  async refresh(): Promise<void> {
    try {
      const { changes, next } = await this.repository.findChangedSince(this.horizon);
      for (const c of changes) {
        const digest = c.keyHash.toString('base64');
        if (c.revoked) this.byDigest.delete(digest);
        else {
          const holder: KeyHolder = { keyId: c.id, role: c.role };
          if (c.series) holder.series = c.series;
          this.byDigest.set(digest, holder);
        }
      }
      this.horizon = next;
      this.loaded = true;
    } catch (error) {
      const { log, suppressed } = this.warnings.take();
      if (log) {
        this.log.warn(
          { err: error, suppressed },
          'cannot reload API keys; the last known keys stay in force',
        );
      }
    }
  }
}

import { createLogger, RateLimitedLog } from '@iot/common';
import { keyDigest, Role } from '@iot/contracts';
import { KeyChanges } from './key-changes';

/** A key the gateway accepts. */
export interface KeyHolder {
  keyId: string;
  role: Role;
  series?: string[];
}

/**
 * Every active key, by digest and by id, in memory: a request costs one SHA-256 and a
 * map lookup, never a query. Polls the store every `refreshMs` for keys
 * changed since the last look, so a revocation takes effect on every gateway
 * instance within `refreshMs` plus one query. With the database unreachable
 * the last known keys stay in force (devices keep sending) and a warning
 * repeats; revocations wait for the database.
 */
export class KeyCache {
  private readonly byDigest = new Map<string, KeyHolder>();
  private readonly byId = new Map<string, KeyHolder>();
  private horizon = '0';
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private loaded = false;
  private inFlight?: Promise<void>;
  private readonly log = createLogger('keys');
  private readonly warnings = new RateLimitedLog(30_000);

  constructor(
    private readonly repository: KeyChanges,
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

  /** The active key with this id (what a caller token names), if any. */
  holderOf(keyId: string): KeyHolder | undefined {
    return this.byId.get(keyId);
  }

  /** One load at a time: the polling loop and a caller's miss share it. */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /**
   * The holder of `keyId`, loading the store's latest changes first when it is
   * unknown here (a key created on the gateway a moment ago). Only for ids from
   * tokens the gateway signed: an outsider cannot make us query.
   */
  async holderOfLatest(keyId: string): Promise<KeyHolder | undefined> {
    if (!this.byId.has(keyId)) await this.refresh();
    return this.byId.get(keyId);
  }

  private async load(): Promise<void> {
    try {
      const { changes, next } = await this.repository.findChangedSince(this.horizon);
      for (const c of changes) {
        const digest = c.keyHash.toString('base64');
        if (c.revoked) {
          this.byDigest.delete(digest);
          this.byId.delete(c.id);
        } else {
          const holder: KeyHolder = { keyId: c.id, role: c.role };
          if (c.series) holder.series = c.series;
          this.byDigest.set(digest, holder);
          this.byId.set(c.id, holder);
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

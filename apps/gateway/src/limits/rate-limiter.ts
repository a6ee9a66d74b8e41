import { createLogger, RateLimitedLog } from '@iot/common';
import Redis from 'ioredis';

/** A token bucket: `burst` requests at once, refilled at `perMinute`. */
export interface Limit {
  perMinute: number;
  burst: number;
}

export interface Decision {
  allowed: boolean;
  /** When not allowed: seconds until one request would be (Retry-After). */
  retryAfterS: number;
}

/** The provider token of the gateway's one RateLimiter. */
export const RATE_LIMITER = Symbol('RATE_LIMITER');

export interface RateLimiter {
  take(key: string, limit: Limit): Promise<Decision>;
  close(): Promise<void>;
}

/** The bucket arithmetic both drivers share (the Redis script does the same in Lua). */
function refill(
  tokens: number,
  elapsedMs: number,
  limit: Limit,
): { tokens: number; decision: Decision } {
  const rate = limit.perMinute / 60_000; // tokens per ms
  const now = Math.min(limit.burst, tokens + elapsedMs * rate);
  if (now >= 1) return { tokens: now - 1, decision: { allowed: true, retryAfterS: 0 } };
  return {
    tokens: now,
    decision: { allowed: false, retryAfterS: Math.max(1, Math.ceil((1 - now) / rate / 1000)) },
  };
}

/** One gateway instance: buckets in memory, idle ones swept. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000).unref();
  }

  take(key: string, limit: Limit): Promise<Decision> {
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: t };
    const { tokens, decision } = refill(bucket.tokens, t - bucket.at, limit);
    this.buckets.set(key, { tokens, at: t });
    return Promise.resolve(decision);
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return Promise.resolve();
  }

  private sweep(): void {
    const t = this.now();
    // a bucket untouched for 10 minutes is full again: forgetting it changes nothing
    for (const [key, b] of this.buckets) if (t - b.at > 600_000) this.buckets.delete(key);
  }
}

const SCRIPT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local rate = tonumber(ARGV[1]) / 60000
local burst = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate / 1000) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return wait`;

/**
 * Shared by every gateway instance: the bucket lives in Redis and one Lua
 * script reads, refills and takes atomically, on Redis' own clock. Redis
 * unreachable: requests are let through (a limiter outage must not take the
 * API down) with a warning at most every 30 s.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly log = createLogger('rate-limit');
  private readonly warnings = new RateLimitedLog(30_000);

  constructor(url: string) {
    this.redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      enableOfflineQueue: false,
    });
    this.redis.on('error', () => undefined); // reported per request below
  }

  async take(key: string, limit: Limit): Promise<Decision> {
    try {
      const wait = (await this.redis.eval(
        SCRIPT,
        1,
        `ratelimit:${key}`,
        limit.perMinute,
        limit.burst,
      )) as number;
      return { allowed: wait === 0, retryAfterS: Math.max(wait, 0) };
    } catch (error) {
      const { log, suppressed } = this.warnings.take();
      if (log) {
        this.log.warn(
          { error: (error as Error).message, suppressed },
          'Redis unreachable; not rate limiting',
        );
      }
      return { allowed: true, retryAfterS: 0 };
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

import { Role } from '@iot/contracts';
import { errorBody } from '@iot/http';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { authenticated, Throttled } from '../auth/caller.hook';
import { KeyHolder } from '@iot/keys';
import { Limit, RateLimiter } from './rate-limiter';

/**
 * One bucket per stored key (by its id), with its role's limit, for both
 * front doors (the proxy and the gateway's own routes). Undefined: go on;
 * else the 429's Retry-After and message.
 */
export async function admit(
  limiter: RateLimiter,
  limits: Record<Role, Limit>,
  holder: KeyHolder,
): Promise<Throttled | undefined> {
  const limit = limits[holder.role];
  const decision = await limiter.take(holder.keyId, limit);
  if (decision.allowed) return undefined;
  return {
    retryAfterS: decision.retryAfterS,
    message: `rate limit of ${limit.perMinute} requests per minute exceeded`,
  };
}

/**
 * A request refused for its key (401) takes a token from its client
 * address' failure bucket: a client that keeps guessing keys gets 429 with
 * Retry-After instead, on every instance when the limiter is Redis. Known
 * keys never touch these buckets.
 */
export class FailedAuthentications {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limit: Limit,
  ) {}

  /** Counts one failure; a value: answer 429 instead of the 401. */
  async record(address: string | undefined): Promise<Throttled | undefined> {
    const decision = await this.limiter.take(`auth-failures:${address ?? 'unknown'}`, this.limit);
    if (decision.allowed) return undefined;
    return {
      retryAfterS: decision.retryAfterS,
      message: `too many failed authentications from this address (${this.limit.perMinute} per minute)`,
    };
  }
}

/** The gateway's own routes; registered after the key check, so only known keys get buckets. */
export function rateLimitHook(limiter: RateLimiter, limits: Record<Role, Limit>) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const holder = authenticated(request).holder;
    if (!holder) return done();
    admit(limiter, limits, holder).then(
      (throttled) => {
        if (!throttled) return done();
        void reply
          .code(429)
          .header('retry-after', String(throttled.retryAfterS))
          .send(errorBody(429, throttled.message));
      },
      (error: Error) => done(error),
    );
  };
}

import { Role } from '@iot/contracts';
import { errorBody } from '@iot/http';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { authenticated } from '../auth/caller.hook';
import { KeyHolder } from '../keys/key-cache';
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
): Promise<{ retryAfterS: number; message: string } | undefined> {
  const limit = limits[holder.role];
  const decision = await limiter.take(holder.keyId, limit);
  if (decision.allowed) return undefined;
  return {
    retryAfterS: decision.retryAfterS,
    message: `rate limit of ${limit.perMinute} requests per minute exceeded`,
  };
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

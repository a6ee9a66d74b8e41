import { Role } from '@iot/contracts';
import { errorBody } from '@iot/http';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { authenticated } from '../auth/caller.hook';
import { Limit, RateLimiter } from './rate-limiter';

/**
 * One bucket per stored key (by its id), with its role's limit. Over the
 * limit: 429 with Retry-After. Registered after the key check, so only known
 * keys get buckets.
 */
export function rateLimitHook(limiter: RateLimiter, limits: Record<Role, Limit>) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const holder = authenticated(request).holder;
    if (!holder) return done();
    const limit = limits[holder.role];
    limiter.take(holder.keyId, limit).then(
      (d) => {
        if (d.allowed) return done();
        void reply
          .code(429)
          .header('retry-after', String(d.retryAfterS))
          .send(errorBody(429, `rate limit of ${limit.perMinute} requests per minute exceeded`));
      },
      (error: Error) => done(error),
    );
  };
}

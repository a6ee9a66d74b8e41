import { errorBody } from '@iot/http';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { createHash } from 'node:crypto';
import { Limit, RateLimiter } from './rate-limiter';

/**
 * One bucket per API key on `/api/**` (by a hash of it: the key itself is
 * never a Redis name). Over the limit: 429 with Retry-After. Registered after
 * the API key check, so only valid keys get buckets.
 */
export function rateLimitHook(limiter: RateLimiter, limit: Limit) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (!request.url.startsWith('/api/')) return done();
    const key = createHash('sha256')
      .update(String(request.headers['x-api-key'] ?? request.headers.authorization ?? ''))
      .digest('base64url')
      .slice(0, 22);
    limiter.take(key, limit).then(
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

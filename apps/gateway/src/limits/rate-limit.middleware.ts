import { errorBody } from '@iot/http';
import type { NextFunction, Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { Limit, RateLimiter } from './rate-limiter';

/**
 * One bucket per API key (by a hash of it: the key itself is never a Redis
 * name). Over the limit: 429 with Retry-After. Runs after the key check, so
 * only valid keys get buckets.
 */
export function rateLimit(limiter: RateLimiter, limit: Limit) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = createHash('sha256')
      .update(req.header('x-api-key') ?? '')
      .digest('base64url')
      .slice(0, 22);
    limiter.take(key, limit).then(
      (d) => {
        if (d.allowed) return next();
        res
          .status(429)
          .set('retry-after', String(d.retryAfterS))
          .json(errorBody(429, `rate limit of ${limit.perMinute} requests per minute exceeded`));
      },
      (error: unknown) => next(error),
    );
  };
}

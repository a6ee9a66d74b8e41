import { createLogger, createRegistry } from '@iot/common';
import type { FastifyInstance } from 'fastify';
import { Authorizer, authenticate } from '../auth/caller.hook';
import { GatewayConfig } from '../config';
import { KeyCache } from '@iot/keys';
import { failedAuthentication, rateLimitHook } from '../limits/rate-limit.hook';
import { MemoryRateLimiter, RedisRateLimiter } from '../limits/rate-limiter';
import { Proxy } from './proxy';
import { Upstreams } from './upstreams';

/**
 * The gateway's two front doors on one port: the proxy for `/api/<service>/**`
 * (node:http + undici, see Proxy) and Fastify for its own routes (keys,
 * health, docs), each with the same keys, roles, rate limits, request ids and
 * access lines.
 */
export function mountRoutes(
  fastify: FastifyInstance,
  config: GatewayConfig,
  keys: KeyCache,
): { upstreams: Upstreams; proxy: Proxy } {
  const upstreams = new Upstreams(createRegistry(config.registry), {
    afterFailures: config.upstream.ejectAfterFailures,
    forMs: config.upstream.ejectForMs,
  });
  const authorizer = new Authorizer(keys, config.gatewaySecret);
  const limiter = config.redisUrl ? new RedisRateLimiter(config.redisUrl) : new MemoryRateLimiter();
  const failed = (address: string | undefined) =>
    failedAuthentication(limiter, config.authFailures, address);
  const proxy = new Proxy({
    upstreams,
    authorizer,
    limiter,
    failed,
    limits: config.rateLimits,
    timeoutMs: config.upstream.timeoutMs,
  });
  fastify.addHook('onClose', async () => {
    await proxy.close();
    await limiter.close();
  });

  const access = createLogger('access');
  authenticate(fastify, authorizer, failed);
  fastify.addHook('onRequest', rateLimitHook(limiter, config.rateLimits));
  fastify.addHook('onResponse', (request, reply, done) => {
    access.info({
      requestId: reply.getHeader('x-request-id'),
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 1000) / 1000,
    });
    done();
  });
  return { upstreams, proxy };
}

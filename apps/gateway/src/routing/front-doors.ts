import { createLogger } from '@iot/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Authorizer, authenticate } from '../auth/caller.hook';
import { FailedAuthentications, rateLimitHook } from '../limits/rate-limit.hook';
import { RATE_LIMITER, RateLimiter } from '../limits/rate-limiter';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/**
 * The gateway's two front doors on one port: the proxy for `/api/<service>/**`
 * (node:http + undici, GatewayProxy, taken before Fastify sees the request)
 * and Fastify for its own routes (keys, health, docs). This gives the Fastify
 * side the same keys, roles, limits and access lines as the proxy, from the
 * same providers.
 */
export function mountFrontDoors(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const config = app.get<GatewayConfig>(GATEWAY_CONFIG);
  const limiter = app.get<RateLimiter>(RATE_LIMITER);
  authenticate(fastify, app.get(Authorizer), app.get(FailedAuthentications));
  fastify.addHook('onRequest', rateLimitHook(limiter, config.rateLimits));
  const access = createLogger('access');
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
}

import { configureLogging, PinoNestLogger } from '@iot/common';
import { apiKeyMiddleware, ApiKeys, configureHttpApp } from '@iot/http';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';
import { requestContext } from './routing/request-context';
import { mountRoutes } from './routing/routing';
import { rateLimit } from './limits/rate-limit.middleware';
import { MemoryRateLimiter, RedisRateLimiter } from './limits/rate-limiter';

/**
 * Express, not Fastify: the proxy layer is express-http-proxy. No body
 * parser: request bodies stream through to the instance untouched.
 */
export async function createGatewayApp(config: GatewayConfig): Promise<NestExpressApplication> {
  configureLogging(config.log);
  const upstreams = { current: undefined as ReturnType<typeof mountRoutes> | undefined };
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, () => upstreams.current),
    { logger: new PinoNestLogger(), bodyParser: false },
  );
  app.use(requestContext());
  app.use(
    apiKeyMiddleware(new ApiKeys(config.apiKeys), ['/health', '/health/live', '/health/ready']),
  );
  const limiter = config.redisUrl ? new RedisRateLimiter(config.redisUrl) : new MemoryRateLimiter();
  app.use('/api', rateLimit(limiter, config.rateLimit));
  upstreams.current = mountRoutes(app, config);
  configureHttpApp(app);
  return app;
}

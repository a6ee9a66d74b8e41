import { configureLogging, PinoNestLogger } from '@iot/common';
import { apiKeyMiddleware, ApiKeys, configureHttpApp } from '@iot/http';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';

/** Express, not Fastify: the proxy layer is express-http-proxy. */
export async function createGatewayApp(config: GatewayConfig): Promise<NestExpressApplication> {
  configureLogging(config.log);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    logger: new PinoNestLogger(),
  });
  app.use(
    apiKeyMiddleware(new ApiKeys(config.apiKeys), ['/health', '/health/live', '/health/ready']),
  );
  configureHttpApp(app);
  return app;
}

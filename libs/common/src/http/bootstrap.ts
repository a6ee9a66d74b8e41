import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoNestLogger } from '../logging/logger';
import { ApiKeys } from './api-keys';
import { requireApiKeys } from './fastify-auth';
import { HttpExceptionFilter } from './http-exception.filter';
import { createValidationPipe } from './validation';

export interface HttpAppOptions {
  /** Largest request body accepted, in bytes; larger ones get 413. */
  bodyLimit: number;
  /** Every route needs one of these unless marked `@Public()`. */
  apiKeys: string[];
}

/** Builds an app on Fastify with API keys and the house-wide pipe, filter and logger. */
export async function createHttpApp(
  module: Parameters<typeof NestFactory.create>[0],
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit });
  requireApiKeys(adapter.getInstance(), new ApiKeys(options.apiKeys));
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoNestLogger(),
  });
  configureHttpApp(app);
  return app;
}

export function configureHttpApp(app: INestApplication): void {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
}

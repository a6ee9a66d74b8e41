import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoNestLogger } from '../logging/logger';
import { HttpExceptionFilter } from './http-exception.filter';
import { createValidationPipe } from './validation';

export interface HttpAppOptions {
  /** Largest request body accepted, in bytes; larger ones get 413. */
  bodyLimit: number;
}

/** Builds an app on Fastify with the house-wide pipe, filter and logger. */
export async function createHttpApp(
  module: Parameters<typeof NestFactory.create>[0],
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({ bodyLimit: options.bodyLimit }),
    { logger: new PinoNestLogger() },
  );
  configureHttpApp(app);
  return app;
}

export function configureHttpApp(app: INestApplication): void {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
}

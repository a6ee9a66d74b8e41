import { INestApplication } from '@nestjs/common';
import { ConfigError } from '../config/env';
import { ServiceConfig } from '../config/service-config';
import { createLogger } from '../logging/logger';
import { useFastAsyncResourceBind } from './async-resource-bind';

/**
 * Process entry shared by the apps: validate config (a bad one exits 1 with
 * every problem listed), build, listen, and say where. Process-wide runtime
 * fixes are applied here, before any framework code runs.
 */
export function runService<C extends ServiceConfig>(
  name: string,
  load: () => C,
  create: (config: C) => Promise<INestApplication>,
): void {
  const logger = createLogger('main');
  if (useFastAsyncResourceBind()) {
    logger.debug({ node: process.version }, 'AsyncResource#bind without DEP0172 accessors');
  }
  const start = async (): Promise<void> => {
    const config = load();
    const app = await create(config);
    await app.listen(config.port, config.host);
    logger.info({ url: await app.getUrl() }, `${name} listening`);
  };
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${name}: ${error.message}\n`);
    logger.fatal({ err: error }, `${name} failed to start: ${(error as Error).message}`);
    process.exit(1);
  });
}

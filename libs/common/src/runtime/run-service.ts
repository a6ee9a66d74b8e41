import { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { ConfigError } from '../config/env';
import { ServiceConfig } from '../config/service-config';
import { configureLogging } from '../logging/logger';
import { useFastAsyncResourceBind } from './async-resource-bind';

/** sysexits.h EX_CONFIG: the supervisor does not restart an app that exits with it. */
export const EXIT_CONFIG = 78;
/** sysexits.h EX_UNAVAILABLE: a dependency (the database) could not be reached at start. */
const EXIT_UNAVAILABLE = 69;

/** A start-up failure whose message is complete on its own (no stack trace wanted). */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_UNAVAILABLE,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The validated config, or exit 78 with every problem listed. */
export function loadConfigOrExit<C>(name: string, load: () => C): C {
  try {
    return load();
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : String(error);
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

/**
 * Process entry shared by the apps: read and validate the config first (a bad
 * one exits 78 with every problem listed, before anything else runs), then
 * logging, then build, listen and say where. Start-up failures print one line
 * naming the cause.
 */
export function runService<C extends ServiceConfig>(
  name: string,
  load: () => C,
  create: (config: C) => Promise<INestApplication>,
): void {
  const config = loadConfigOrExit(name, load);
  const logger = configureLogging(config.log).child({ component: 'main' });
  if (useFastAsyncResourceBind()) {
    logger.debug({ node: process.version }, 'AsyncResource#bind without DEP0172 accessors');
  }
  const start = async (): Promise<void> => {
    const app = await create(config);
    await app.listen(config.port, config.host);
    logger.info({ url: await app.getUrl() }, `${name} listening`);
    const cut = (): void => {
      // Nest's shutdown hooks close the app; a connection a client holds open (a
      // response it never reads) would keep that waiting forever
      setTimeout(() => {
        const server = app.getHttpServer() as Server;
        logger.warn('shutdown grace over: closing the connections left');
        server.closeAllConnections();
        setTimeout(() => process.exit(0), 5000).unref();
      }, config.http.shutdownGraceMs).unref();
    };
    process.once('SIGTERM', cut);
    process.once('SIGINT', cut);
  };
  start().catch((error: unknown) => {
    const known = error instanceof StartupError || error instanceof ConfigError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name}: failed to start: ${message}\n`);
    if (!known) logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(error instanceof StartupError ? error.exitCode : known ? EXIT_CONFIG : 1);
  });
}

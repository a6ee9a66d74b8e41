import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { requestContext } from './request-context';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogConfig {
  /** Names the process in every line (`service`). */
  service: string;
  level: LogLevel;
}

let root: Logger | undefined;

/**
 * Creates the process' root logger from the validated config. Nothing logs
 * before this: there are no module-level loggers, so a bad LOG_LEVEL is
 * reported by the config check, not by pino at import time.
 */
export function configureLogging(config: LogConfig): Logger {
  root = pino({
    name: config.service,
    level: config.level,
    base: { service: config.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // the request id on every line written while serving a request
    mixin: () => {
      const context = requestContext.getStore();
      return context ? { requestId: context.requestId } : {};
    },
  });
  return root;
}

export function createLogger(component: string): Logger {
  if (!root) throw new Error(`logger "${component}" requested before configureLogging()`);
  return root.child({ component });
}

/**
 * Routes Nest's own messages into pino. Nest's `log` level is chatty (every
 * mapped route, every module), so it goes to debug: the default output stays
 * at the handful of lines our code logs at info.
 */
export class PinoNestLogger implements LoggerService {
  private readonly logger = createLogger('nest');

  log(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

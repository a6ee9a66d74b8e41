import { LoggerService } from '@nestjs/common';
import pino, { Logger, Level } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let root: Logger | undefined;

/** One JSON logger per process; `service` names the app in every line. */
export function rootLogger(service = process.env.SERVICE_NAME ?? 'iot'): Logger {
  root ??= pino({
    name: service,
    level: (process.env.LOG_LEVEL as Level | undefined) ?? 'info',
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  return root;
}

export function createLogger(component: string): Logger {
  return rootLogger().child({ component });
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

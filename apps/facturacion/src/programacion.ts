import { EnvReader } from '@iot/common';
import type { Logger } from 'pino';
import type { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, validateCronExpression } from 'cron';

/** A cron setting: undefined when "off"; a bad expression is a config problem naming it. */
export function readCron(env: EnvReader, name: string, fallback: string): string | undefined {
  const text = env.string(name, fallback);
  const cron = text.toLowerCase() === 'off' ? undefined : text;
  if (cron !== undefined) {
    const check = validateCronExpression(cron);
    env.require(
      check.valid,
      `${name}="${cron}" must be a cron expression (five fields, or six with seconds first) or "off"` +
        (check.error ? `: ${check.error.message}` : ''),
    );
  }
  return cron;
}

/**
 * Registers a job on `cron` (the registry stops it on shutdown). A tick while
 * the job still runs is the job's to skip; a failure is logged as `fallo`
 * and the next tick tries again.
 */
export function programar(
  scheduler: SchedulerRegistry,
  name: string,
  cron: string,
  trabajo: () => Promise<unknown>,
  log: Logger,
  fallo: string,
): void {
  const job = CronJob.from({
    cronTime: cron,
    onTick: () => {
      trabajo().catch((error: unknown) => log.warn({ err: error }, fallo));
    },
    start: false,
  });
  scheduler.addCronJob(name, job);
  job.start();
}

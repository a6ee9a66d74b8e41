import { EnvReader } from '@iot/common';
import { validateCronExpression } from 'cron';

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

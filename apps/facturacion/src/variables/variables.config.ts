import { EnvReader } from '@iot/common';

export interface ConsultasConfig {
  /** IANA zone summaries are aligned in when the request names none. */
  defaultZone: string;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function readConsultasConfig(env: EnvReader): ConsultasConfig {
  const defaultZone = env.string('DEFAULT_TIME_ZONE', 'UTC');
  env.require(
    isTimeZone(defaultZone),
    `DEFAULT_TIME_ZONE="${defaultZone}" is not an IANA time zone (e.g. America/Bogota)`,
  );
  return { defaultZone };
}

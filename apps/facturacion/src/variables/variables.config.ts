import { EnvReader, InvalidInputError } from '@iot/common';

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

/** The zone asked for (or `porDefecto`), or a 400 naming `zona`. */
export function zonaValida(zona: string | undefined, porDefecto = 'UTC'): string {
  const z = zona ?? porDefecto;
  if (!isTimeZone(z)) {
    throw new InvalidInputError([
      { field: 'zona', reason: 'must be an IANA time zone, e.g. America/Bogota' },
    ]);
  }
  return z;
}

export function readConsultasConfig(env: EnvReader): ConsultasConfig {
  const defaultZone = env.string('DEFAULT_TIME_ZONE', 'UTC');
  env.require(
    isTimeZone(defaultZone),
    `DEFAULT_TIME_ZONE="${defaultZone}" is not an IANA time zone (e.g. America/Bogota)`,
  );
  return { defaultZone };
}

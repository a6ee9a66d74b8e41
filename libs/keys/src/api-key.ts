import { InvalidInputError } from '@iot/common';
import {
  FieldProblem,
  NUMERO_SERIE_MAX_LENGTH,
  NUMERO_SERIE_PATTERN,
  Role,
  ROLES,
} from '@iot/contracts';

/** A stored key as listed: never the secret. */
export interface ApiKey {
  id: string;
  role: Role;
  nombre: string | null;
  /** Serials a `dispositivo` key may send for; null: any. */
  series: string[] | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface NewApiKey {
  role: Role;
  nombre?: string;
  series?: string[];
}

/** Checks a create request; every problem named at once. */
export function checkNewKey(input: Partial<Record<keyof NewApiKey, unknown>>): NewApiKey {
  const problems: FieldProblem[] = [];
  const role = input.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    problems.push({ field: 'role', reason: `must be one of ${ROLES.join(', ')}` });
  }
  const nombre = input.nombre;
  if (
    nombre !== undefined &&
    (typeof nombre !== 'string' || nombre.length > 200 || /\p{Cc}/u.test(nombre))
  ) {
    problems.push({ field: 'nombre', reason: 'must be text of at most 200 characters' });
  }
  const series = input.series;
  if (series !== undefined) {
    if (role !== 'dispositivo') {
      problems.push({ field: 'series', reason: 'only dispositivo keys are bound to serials' });
    } else if (!Array.isArray(series) || series.length === 0 || series.length > 1000) {
      problems.push({ field: 'series', reason: 'must list 1 to 1000 serials' });
    } else {
      series.forEach((s: unknown, i) => {
        if (
          typeof s !== 'string' ||
          s.length > NUMERO_SERIE_MAX_LENGTH ||
          !NUMERO_SERIE_PATTERN.test(s)
        ) {
          problems.push({ field: `series[${i}]`, reason: 'is not a valid numeroSerie' });
        }
      });
    }
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return {
    role: role as Role,
    ...(nombre !== undefined && { nombre: nombre as string }),
    ...(series !== undefined && { series: [...new Set(series as string[])] }),
  };
}

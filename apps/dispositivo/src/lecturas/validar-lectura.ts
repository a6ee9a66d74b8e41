import type { FieldProblem } from '@iot/contracts';
import { toFieldProblems, tooDeep, VALIDATOR_OPTIONS } from '@iot/http';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { lecturaValidaRapida, LecturaEnvioDto } from './dto/lectura-envio.dto';
import { Lectura } from './lectura';

export type Validacion = { ok: true; lectura: Lectura } | { ok: false; errors: FieldProblem[] };

/**
 * Validates one untrusted item (a batch element, an MQTT payload) with the
 * same DTO rules the HTTP pipe applies to `/envio`.
 */
export function validarLectura(raw: unknown): Validacion {
  const rapida = lecturaValidaRapida(raw);
  if (rapida) return { ok: true, lectura: rapida };
  return validarConDecoradores(raw);
}

/** The full class-validator run: the source of every error message. */
export function validarConDecoradores(raw: unknown): Validacion {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: '(item)', reason: 'must be a JSON object' }] };
  }
  // class-transformer recurses into every field, unknown ones included
  const deep = tooDeep('(item)', raw);
  if (deep) return { ok: false, errors: [deep] };
  const dto = plainToInstance(LecturaEnvioDto, raw);
  const errors = validateSync(dto, VALIDATOR_OPTIONS);
  if (errors.length > 0) return { ok: false, errors: toFieldProblems(errors) };
  return { ok: true, lectura: aLectura(dto) };
}

export function aLectura(dto: LecturaEnvioDto): Lectura {
  return {
    numeroSerie: dto.numeroSerie,
    nombreVariable: dto.nombreVariable,
    estampaTiempo: dto.estampaTiempo,
    valorVariable: dto.valorVariable,
  };
}

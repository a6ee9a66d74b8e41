/**
 * The wire contract of a reading, as the original Spring Boot service spoke it.
 * Devices, Node-RED flows and facturacion depend on these names.
 */
export interface LecturaEnvio {
  nombreVariable: string;
  numeroSerie: string;
  /** ISO-8601 (no offset = UTC) or epoch milliseconds (number or digit string). */
  estampaTiempo: string | number;
  valorVariable: number | string;
}

/** A reading as validated (the DTO implements it): the wire fields, parsed. */
export type LecturaValidada = Omit<LecturaEnvio, 'estampaTiempo' | 'valorVariable'> & {
  estampaTiempo: Date;
  valorVariable: number;
};

export interface LecturaRespuesta {
  /** The reading's row id (not a device id: the device is `numeroSerie`). */
  idDispositivo: number;
  nombreVariable: string;
  numeroSerie: string;
  /** ISO-8601 in UTC with milliseconds, e.g. `2025-01-31T12:00:00.000Z`. */
  estampaTiempo: string;
  valorVariable: number;
}

/** One problem of one field: what every validation error names. */
export interface FieldProblem {
  field: string;
  reason: string;
}

/**
 * Per item of a batch, in request order. Kept small on purpose (the client
 * has the readings it sent): the row id, and for a conflict both values.
 */
export type ResultadoItem =
  | { indice: number; estado: 'stored' | 'duplicate'; idDispositivo: number }
  | {
      indice: number;
      estado: 'conflict';
      idDispositivo: number;
      valorAlmacenado: number;
      valorRecibido: number;
    }
  | { indice: number; estado: 'rejected'; errors: FieldProblem[] };

export interface BatchResult {
  stored: number;
  duplicate: number;
  conflict: number;
  rejected: number;
  items: ResultadoItem[];
}

export interface PaginaLecturas {
  lecturas: LecturaRespuesta[];
  /** Pass as `despuesDe` to get the next page; null on the last page. */
  siguiente: string | null;
}

/** Serials travel in MQTT topics too, so no `/`, `+`, `#` or spaces. */
export const NUMERO_SERIE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
export const NUMERO_SERIE_MAX_LENGTH = 64;

/**
 * The largest magnitude a `valorVariable` may have. Past it a sensor reading
 * or a register is a device fault, and it would also poison aggregates (a
 * float8 `avg` squares its inputs). 1e15 keeps every integer register exact
 * (float8 holds integers exactly up to 2^53, about 9.007e15) and sums of
 * millions of readings far inside float8's range.
 */
export const VALOR_VARIABLE_MAX_ABS = 1e15;

/** Whether a finite number is inside the accepted range (both ends included). */
export const valorEnRango = (n: number): boolean =>
  n >= -VALOR_VARIABLE_MAX_ABS && n <= VALOR_VARIABLE_MAX_ABS;

export const VALOR_VARIABLE_RANGO = `must be between -1e15 and 1e15 (a larger magnitude is a device fault)`;

export const BATCH_MAX_ITEMS = 1000;
export const BATCH_MAX_BYTES = 1024 * 1024;

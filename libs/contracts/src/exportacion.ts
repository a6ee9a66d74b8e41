/**
 * `GET /api/dispositivo/exportacion`: NDJSON, one LecturaRespuesta per line in
 * (transaction, id) order, a PuntoControl after every page and one
 * FinExportacion last. facturacion commits readings only up to a checkpoint.
 */

/** Every reading before this line is complete up to `siguiente` (pass it as `despuesDe`). */
export interface PuntoControl {
  siguiente: string;
}

/** The last line of an export: where to resume, whether it reached the horizon, and the lag. */
export interface FinExportacion extends PuntoControl {
  /** True when nothing more is exportable now (fewer rows than `limite` were left). */
  completo: boolean;
  enviadas: number;
  /** Readings of these variables stored after the cursor (capped), in flight or above the horizon. */
  pendientes: number;
  /** Age of the oldest of them (since it was received), 0 when none. */
  retrasoSegundos: number;
}

/** Rows one export request may ask for. */
export const EXPORT_MAX_ROWS = 100_000;

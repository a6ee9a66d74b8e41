/**
 * `GET /api/dispositivo/grafica`: one device's variable over a range,
 * downsampled on the server to a point budget (first, minimum, maximum and
 * last of each bucket, so peaks survive), `null` where the line breaks.
 */
export interface GraficaRespuesta {
  numeroSerie: string;
  nombreVariable: string;
  desde: string;
  hasta: string;
  /** Each bucket's width (one pixel column of the plot asked for). */
  anchoMs: number;
  /** Readings in the range, before downsampling. */
  lecturas: number;
  /** Instants, epoch milliseconds, increasing. */
  t: number[];
  /** Values; `null` marks a gap (no line across it). */
  v: (number | null)[];
}

/** `GET /api/dispositivo/dispositivos/:numeroSerie`: what a device has sent. */
export interface DispositivoRespuesta {
  numeroSerie: string;
  variables: { nombreVariable: string; primera: string; ultima: string }[];
}

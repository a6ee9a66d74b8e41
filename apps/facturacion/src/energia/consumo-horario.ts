/**
 * A device's intervals of one local hour (and one unit and interval length),
 * added up: what a statement needs of them. Every interval of a local hour
 * falls in the same time-of-use period, local day and tariff piece (pieces
 * change at local midnight), so a statement priced from these is the one
 * priced interval by interval; PostgreSQL adds them (exact numeric sums), so
 * a month is ~744 rows instead of ~2,976.
 */
export interface ConsumoHorario {
  /** Local hour, `YYYY-MM-DD HH` (a repeated DST hour is one row). */
  hora: string;
  /** Start of its first interval, epoch ms. */
  inicio: number;
  /** Length of each of its intervals, ms. */
  ms: number;
  unidad: 'kWh' | 'kVAh' | null;
  /** Decimal strings: energy, energy of `estimado` intervals, the largest interval's energy. */
  energia: string;
  estimada: string;
  maximo: string;
  /** Intervals with energy (those a tariff in another unit leaves unpriced). */
  conEnergia: number;
  /** Covered time, ms (coverage × length, summed). */
  cubiertoMs: string;
}

export interface IntervaloConsumo {
  inicio: number;
  fin: number;
  energia: string;
  unidad: 'kWh' | 'kVAh' | null;
  calidad: 'real' | 'estimado' | 'faltante';
  cobertura: string;
}

import type { FinExportacion } from '@iot/contracts';

/** One reading as facturacion stores it (the variable is the table). */
export interface LecturaFacturable {
  idDispositivo: number;
  numeroSerie: string;
  /** ISO-8601 as dispositivo sent it. */
  estampaTiempo: string;
  valorVariable: number;
}

/** Readings complete up to a checkpoint: written with their cursor in one transaction. */
export interface Lote {
  lecturas: LecturaFacturable[];
  /** The cursor after the last of them. */
  siguiente: string;
  /** Present on the export's last batch. */
  fin?: FinExportacion;
}

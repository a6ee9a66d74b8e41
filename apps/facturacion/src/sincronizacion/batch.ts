import type { FinExportacion } from '@iot/contracts';

/** One reading as facturacion stores it (the variable is the table). */
export interface LecturaFacturable {
  idDispositivo: number;
  numeroSerie: string;
  /** ISO-8601 in UTC, as dispositivo sent it. */
  estampaTiempo: string;
  valorVariable: number;
}

/**
 * Readings complete up to a checkpoint, written with their cursor in one
 * transaction. They travel as the COPY text they are written with, not as
 * objects: thousands of small objects held across database waits were
 * promoted to the old heap and made the process' memory grow with the backlog.
 */
export interface Batch {
  /** One `id \t serie \t estampa \t valor \n` row per reading, every field checked. */
  copy: string;
  filas: number;
  /** Earliest and latest estampaTiempo among them (ISO strings in UTC sort as text). */
  primera?: string;
  ultima?: string;
  /** The cursor after the last of them. */
  siguiente: string;
  /** Present on the export's last batch. */
  fin?: FinExportacion;
  /** The (device, UTC day) pairs these readings fall in, as `serie \t YYYY-MM-DD`: marked for metering. */
  dias: Set<string>;
}

/** The (device, UTC day) pair of a reading (estampaTiempo is ISO-8601 in UTC). */
export const diaDe = (l: Pick<LecturaFacturable, 'numeroSerie' | 'estampaTiempo'>): string =>
  `${l.numeroSerie}\t${l.estampaTiempo.slice(0, 10)}`;

export function copyRow(l: LecturaFacturable): string {
  return `${l.idDispositivo}\t${l.numeroSerie}\t${l.estampaTiempo}\t${l.valorVariable}\n`;
}

/** The readings back from a batch's COPY text (the rare duplicate path, and tests). */
export function lecturasDe(batch: Pick<Batch, 'copy'>): LecturaFacturable[] {
  return batch.copy
    .split('\n')
    .filter(Boolean)
    .map((row) => {
      const [id, serie, estampa, valor] = row.split('\t');
      return {
        idDispositivo: Number(id),
        numeroSerie: serie,
        estampaTiempo: estampa,
        valorVariable: Number(valor),
      };
    });
}

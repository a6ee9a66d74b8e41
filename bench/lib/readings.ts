const WEEK_MS = 7 * 86_400_000;
const MONDAY_MS = Date.UTC(2000, 0, 3);
/**
 * This week's Monday 00:00 UTC plus an hour: readings land in the week's
 * partition, which dispositivo creates ahead (the default partition is for
 * clocks far off, not the common case).
 */
const BASE_MS = MONDAY_MS + Math.floor((Date.now() - MONDAY_MS) / WEEK_MS) * WEEK_MS + 3_600_000;

/** Unique readings: a counter drives the timestamp, so no two share a key. */
export class ReadingFactory {
  private counter = 0;
  constructor(private readonly prefix: string) {}

  next(): {
    nombreVariable: string;
    numeroSerie: string;
    estampaTiempo: number;
    valorVariable: number;
  } {
    const i = this.counter++;
    return {
      nombreVariable: i % 2 ? 'voltaje' : 'corriente',
      numeroSerie: `${this.prefix}-${i % 100}`,
      estampaTiempo: BASE_MS + i,
      valorVariable: 200 + (i % 1000) / 10,
    };
  }

  batch(size: number): ReturnType<ReadingFactory['next']>[] {
    return Array.from({ length: size }, () => this.next());
  }

  /** The JSON of `batch(size)`, built as text: the load generator shares the CPU being measured. */
  batchJson(size: number): string {
    const parts: string[] = [];
    for (let k = 0; k < size; k++) {
      const r = this.next();
      parts.push(
        `{"nombreVariable":"${r.nombreVariable}","numeroSerie":"${r.numeroSerie}","estampaTiempo":${r.estampaTiempo},"valorVariable":${r.valorVariable}}`,
      );
    }
    return `[${parts.join(',')}]`;
  }
}

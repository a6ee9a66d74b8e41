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
      estampaTiempo: 1_700_000_000_000 + i,
      valorVariable: 200 + (i % 1000) / 10,
    };
  }

  batch(size: number): ReturnType<ReadingFactory['next']>[] {
    return Array.from({ length: size }, () => this.next());
  }
}

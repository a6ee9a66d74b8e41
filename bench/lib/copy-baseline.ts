import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { freshDatabase } from './database';
import { ReadingFactory } from './readings';

/** The storage ceiling: COPY of generated readings into a migrated `lectura` table, no app involved. */
export async function copyBaseline(
  serverUrl: string,
  durationS: number,
  streams: number,
  rowsPerCopy: number,
): Promise<{ rows: number; seconds: number }> {
  const db = await freshDatabase(serverUrl, true);
  const readings = new ReadingFactory('copy');
  const until = Date.now() + durationS * 1000;
  const started = Date.now();
  let rows = 0;
  const worker = async (): Promise<void> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      while (Date.now() < until) {
        const text = readings
          .batch(rowsPerCopy)
          .map(
            (r) =>
              `${r.numeroSerie}\t${r.nombreVariable}\t${new Date(r.estampaTiempo).toISOString()}\t${r.valorVariable}\n`,
          )
          .join('');
        await pipeline(
          Readable.from([text]),
          client.query(
            copyFrom(
              'COPY lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable) FROM STDIN',
            ),
          ),
        );
        rows += rowsPerCopy;
      }
    } finally {
      await client.end();
    }
  };
  try {
    await Promise.all(Array.from({ length: streams }, worker));
    const seconds = (Date.now() - started) / 1000;
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM lectura');
    if (n !== rows) throw new Error(`COPY baseline: ${rows} sent, ${n} rows`);
    return { rows, seconds };
  } finally {
    await db.drop();
  }
}

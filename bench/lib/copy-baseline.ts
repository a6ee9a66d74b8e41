import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { freshDatabase } from './database';
import { ReadingFactory } from './readings';

/** Dictionary ids of `nombres` in `tabla`, adding the new ones (as the app's dictionary does). */
async function ids(
  client: Client,
  cache: Map<string, number>,
  tabla: 'dispositivo' | 'variable',
  columna: string,
  nombres: string[],
): Promise<void> {
  const faltan = [...new Set(nombres)].filter((n) => !cache.has(n));
  if (faltan.length === 0) return;
  await client.query(
    `INSERT INTO ${tabla} (${columna}) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT DO NOTHING`,
    [faltan],
  );
  const { rows } = await client.query<{ id: number; n: string }>(
    `SELECT id, ${columna} AS n FROM ${tabla} WHERE ${columna} = ANY($1)`,
    [faltan],
  );
  for (const r of rows) cache.set(r.n, r.id);
}

/**
 * The storage ceiling: COPY of generated readings into a migrated store
 * (names turned into dictionary ids on the way, as the app does), no app involved.
 */
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
    const dispositivos = new Map<string, number>();
    const variables = new Map<string, number>();
    try {
      while (Date.now() < until) {
        const batch = readings.batch(rowsPerCopy);
        await ids(
          client,
          dispositivos,
          'dispositivo',
          'numero_serie',
          batch.map((r) => r.numeroSerie),
        );
        await ids(
          client,
          variables,
          'variable',
          'nombre_variable',
          batch.map((r) => r.nombreVariable),
        );
        const text = batch
          .map(
            (r) =>
              `${dispositivos.get(r.numeroSerie)}\t${variables.get(r.nombreVariable)}\t${new Date(r.estampaTiempo).toISOString()}\t${r.valorVariable}\n`,
          )
          .join('');
        await pipeline(
          Readable.from([text]),
          client.query(
            copyFrom(
              'COPY lectura_codificada (dispositivo_id, variable_id, estampa_tiempo, valor_variable) FROM STDIN',
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
    const [{ n }] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM lectura_codificada',
    );
    if (n !== rows) throw new Error(`COPY baseline: ${rows} sent, ${n} rows`);
    return { rows, seconds };
  } finally {
    await db.drop();
  }
}

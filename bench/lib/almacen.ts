import type { BenchDatabase } from './database';

/** dispositivo's reading store on disk: every partition (table, indexes, TOAST) and the name dictionaries. */
export async function bytesDelAlmacen(db: BenchDatabase): Promise<number> {
  const [{ b }] = await db.query<{ b: string }>(
    `SELECT (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('lectura_codificada'))
          + pg_total_relation_size('dispositivo') + pg_total_relation_size('variable') AS b`,
  );
  return Number(b);
}

/**
 * A bench-only commit time on every reading (`recibida_en`, the transaction's
 * start, as the store had before issue 19): what publish-to-commit latency is
 * read from. Costs the rows 8 bytes and the time of one default.
 */
export async function conRecibidaEn(db: BenchDatabase): Promise<void> {
  await db.query(
    `ALTER TABLE lectura_codificada ADD COLUMN recibida_en timestamptz NOT NULL DEFAULT now()`,
  );
}

import type { Cursor } from '@iot/common';
import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { inTransaction, Queryable } from '@iot/database';
import type { Rechazada } from '../rechazadas/rechazada';
import { insertRechazadasSql, rechazadasParams } from '../rechazadas/rechazadas.repository';
import { Lectura, LecturaGuardada } from './lectura';

interface Row {
  id: string;
  numero_serie: string;
  nombre_variable: string;
  estampa_ms: number;
  valor_variable: number;
}

const toStored = (f: Row): LecturaGuardada => ({
  id: Number(f.id),
  numeroSerie: f.numero_serie,
  nombreVariable: f.nombre_variable,
  estampaTiempo: new Date(f.estampa_ms),
  valorVariable: f.valor_variable,
});

export interface ConsultaPagina {
  numeroSerie: string;
  nombreVariable?: string;
  desde?: Date;
  hasta?: Date;
  despuesDe?: Cursor;
  limite: number;
}

// epoch ms as float8: exact for millisecond instants and far cheaper to parse than timestamptz text
const COLUMNS =
  'id, numero_serie, nombre_variable, (extract(epoch FROM estampa_tiempo) * 1000)::float8 AS estampa_ms, valor_variable';

const UNIQUE_VIOLATION = '23505';

/** COPY met a key that is already stored: the transaction is rolled back, use insertNew. */
export class DuplicateKeyError extends Error {}

@Injectable()
export class LecturasRepository {
  /**
   * The id sequence's name, looked up once: evaluated per reserved id,
   * pg_get_serial_sequence tripled the cost of reserving ids.
   */
  private sequenceId?: string;

  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /** The pool: a single statement there commits on its own. */
  get autocommit(): Queryable {
    return this.pool;
  }

  /** BEGIN … COMMIT on one pooled connection (discarded if it failed mid-statement). */
  inTransaction<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  /**
   * One statement for any number of readings, keys assumed distinct. Readings
   * whose key is already stored are skipped; the answer holds only the ones
   * this statement inserted.
   */
  async insertNew(q: Queryable, lecturas: Lectura[]): Promise<LecturaGuardada[]> {
    // named: prepared once per connection; parsing and planning it on every
    // group commit cost ~12 % of single-POST throughput
    const { rows } = await q.query<Row>({
      name: 'lectura_insert_new',
      text: `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[], $4::float8[])
       ON CONFLICT ON CONSTRAINT lectura_clave DO NOTHING
       RETURNING ${COLUMNS}`,
      values: columns(lecturas),
    });
    return rows.map(toStored);
  }

  /**
   * Bulk path inside the caller's transaction: reserves ids and COPYs every
   * reading in. Returns the ids in input order; throws DuplicateKeyError
   * when a key was already stored (the transaction is then aborted).
   */
  async copyAll(tx: PoolClient, lecturas: Lectura[]): Promise<number[]> {
    this.sequenceId ??= (
      await tx.query<{ seq: string }>(`SELECT pg_get_serial_sequence('lectura', 'id') AS seq`)
    ).rows[0].seq;
    // one row holding all ids: far cheaper to receive than one row per id
    const { rows } = await tx.query<{ ids: string[] }>(
      'SELECT array_agg(nextval($2::regclass)) AS ids FROM generate_series(1, $1)',
      [lecturas.length, this.sequenceId],
    );
    const ids = rows[0].ids.map(Number);
    // serials and variable names are pattern-checked: no tab, newline or backslash to escape
    const text = lecturas
      .map(
        (l, i) =>
          `${ids[i]}\t${l.numeroSerie}\t${l.nombreVariable}\t${l.estampaTiempo.toISOString()}\t${l.valorVariable}\n`,
      )
      .join('');
    try {
      await pipeline(
        Readable.from([text]),
        tx.query(
          copyFrom(
            'COPY lectura (id, numero_serie, nombre_variable, estampa_tiempo, valor_variable) FROM STDIN',
          ),
        ),
      );
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new DuplicateKeyError();
      throw error;
    }
    return ids;
  }

  /**
   * One autocommitted statement for readings that are all new, together with
   * dead letters: a data-modifying CTE, so both commit or neither. Any key
   * already stored (or twice in `lecturas`) fails it whole: DuplicateKeyError,
   * nothing written; the caller then takes the transactional path.
   */
  async insertAllNewWith(
    q: Queryable,
    lecturas: Lectura[],
    rechazadas: Rechazada[],
  ): Promise<LecturaGuardada[]> {
    const insert = `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
         SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[], $4::float8[])
         RETURNING ${COLUMNS}`;
    try {
      // without dead letters, no CTE: its empty INSERT still opens and locks the table per call
      const { rows } =
        rechazadas.length === 0
          ? await q.query<Row>({
              name: 'lectura_insert_all_new',
              text: insert,
              values: columns(lecturas),
            })
          : await q.query<Row>({
              name: 'lectura_insert_all_new_with',
              text: `WITH rechazadas AS (${insertRechazadasSql(5)}) ${insert}`,
              values: [...columns(lecturas), ...rechazadasParams(rechazadas)],
            });
      return rows.map(toStored);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new DuplicateKeyError();
      throw error;
    }
  }

  /** The stored readings with the same keys as `lecturas`. */
  async findByClaves(q: Queryable, lecturas: Lectura[]): Promise<LecturaGuardada[]> {
    const [series, variables, estampas] = columns(lecturas);
    const { rows } = await q.query<Row>({
      name: 'lectura_find_by_claves',
      text: `SELECT ${COLUMNS}
       FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[])
            AS k(numero_serie, nombre_variable, estampa_tiempo)
       JOIN lectura USING (numero_serie, nombre_variable, estampa_tiempo)`,
      values: [series, variables, estampas],
    });
    return rows.map(toStored);
  }

  /** One page of a device's readings ordered by (estampaTiempo, id). */
  async findPage(c: ConsultaPagina): Promise<LecturaGuardada[]> {
    const params: unknown[] = [c.numeroSerie];
    const where = ['numero_serie = $1'];
    const add = (sql: (n: number) => string, ...values: unknown[]): void => {
      params.push(...values);
      where.push(sql(params.length - values.length + 1));
    };
    if (c.nombreVariable) add((n) => `nombre_variable = $${n}`, c.nombreVariable);
    if (c.desde) add((n) => `estampa_tiempo >= $${n}`, c.desde);
    if (c.hasta) add((n) => `estampa_tiempo < $${n}`, c.hasta);
    if (c.despuesDe) {
      add(
        (n) => `(estampa_tiempo, id) > ($${n}, $${n + 1})`,
        c.despuesDe.estampaTiempo,
        c.despuesDe.id,
      );
    }
    params.push(c.limite);
    const { rows: filas } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM lectura WHERE ${where.join(' AND ')}
       ORDER BY estampa_tiempo, id LIMIT $${params.length}`,
      params,
    );
    return filas.map(toStored);
  }
}

function columns(lecturas: Lectura[]): [string[], string[], string[], number[]] {
  const series: string[] = [];
  const variables: string[] = [];
  const estampas: string[] = [];
  const valores: number[] = [];
  for (const l of lecturas) {
    series.push(l.numeroSerie);
    variables.push(l.nombreVariable);
    estampas.push(l.estampaTiempo.toISOString());
    valores.push(l.valorVariable);
  }
  return [series, variables, estampas, valores];
}

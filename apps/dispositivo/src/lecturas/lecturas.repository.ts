import type { Cursor } from '@iot/common';
import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { inTransaction, Queryable } from '@iot/database';
import type { Rechazada } from '../rechazadas/rechazada';
import { insertRechazadasSql, rechazadasParams } from '../rechazadas/rechazadas.repository';
import { DiccionarioRepository, LecturaCodificada } from '../almacen/diccionario.repository';
import { Lectura, LecturaGuardada } from './lectura';

interface Row {
  id: string;
  dispositivo_id: number;
  variable_id: number;
  estampa_ms: number;
  valor_variable: number;
}

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
  'id, dispositivo_id, variable_id, (extract(epoch FROM estampa_tiempo) * 1000)::float8 AS estampa_ms, valor_variable';

/** The same columns from a compacted row `c` and its arrays unnested as `u` (see COMPACTAS). */
const COLUMNS_COMPACTA =
  'u.id, c.dispositivo_id, c.variable_id, (extract(epoch FROM c.dia) * 1000 + u.ms)::float8 AS estampa_ms, u.valor AS valor_variable';
const COMPACTAS =
  'lectura_compacta c CROSS JOIN LATERAL unnest(c.ids, c.estampas, c.valores) AS u(id, ms, valor)';

const clave = (dispositivoId: number, variableId: number, ms: number) =>
  `${dispositivoId}\u0000${variableId}\u0000${ms}`;

/** Stored rows back as readings: names from the readings they were written or looked up for. */
function guardadas(lecturas: LecturaCodificada[], rows: Row[]): LecturaGuardada[] {
  const porClave = new Map(
    lecturas.map((l) => [clave(l.dispositivoId, l.variableId, l.estampaTiempo.getTime()), l]),
  );
  return rows.map((f) => {
    const l = porClave.get(clave(f.dispositivo_id, f.variable_id, f.estampa_ms))!;
    return {
      id: Number(f.id),
      numeroSerie: l.numeroSerie,
      nombreVariable: l.nombreVariable,
      estampaTiempo: new Date(f.estampa_ms),
      valorVariable: f.valor_variable,
    };
  });
}

/**
 * Not a key already compacted: looked up only for instants before the end of
 * the newest compacted week (one read of a small table per statement).
 */
const NO_COMPACTADA = `CASE WHEN n.e >= (SELECT coalesce(max(semana) + 7, '-infinity') FROM lectura_compactacion)
    THEN true
    ELSE NOT EXISTS (SELECT 1 FROM lectura_compacta c
      WHERE c.dispositivo_id = n.d AND c.variable_id = n.v AND c.dia = (n.e AT TIME ZONE 'UTC')::date
        AND lectura_ms_del_dia(n.e) = ANY (c.estampas)) END`;

const UNIQUE_VIOLATION = '23505';

/** COPY met a key that is already stored: the transaction is rolled back, use insertNew. */
export class DuplicateKeyError extends Error {}

@Injectable()
export class LecturasRepository {
  constructor(
    @Inject(Pool) private readonly pool: Pool,
    private readonly diccionario: DiccionarioRepository,
  ) {}

  /** The pool: a single statement there commits on its own. */
  get autocommit(): Queryable {
    return this.pool;
  }

  /** BEGIN … COMMIT on one pooled connection (discarded if it failed mid-statement). */
  inTransaction<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  /** The readings with their dictionary ids (new names are added, outside any transaction). */
  codificar(lecturas: Lectura[]): Promise<LecturaCodificada[]> {
    return this.diccionario.codificar(lecturas);
  }

  /**
   * One statement for any number of readings, keys assumed distinct. Readings
   * whose key is already stored are skipped; the answer holds only the ones
   * this statement inserted.
   */
  async insertNew(q: Queryable, lecturas: LecturaCodificada[]): Promise<LecturaGuardada[]> {
    // named: prepared once per connection; parsing and planning it on every
    // group commit cost ~12 % of single-POST throughput
    const { rows } = await q.query<Row>({
      name: 'lectura_insert_new',
      text: `INSERT INTO lectura_codificada (dispositivo_id, variable_id, estampa_tiempo, valor_variable)
       SELECT * FROM unnest($1::int[], $2::int[], $3::timestamptz[], $4::float8[]) AS n(d, v, e, valor)
       WHERE ${NO_COMPACTADA}
       ON CONFLICT (dispositivo_id, variable_id, estampa_tiempo) DO NOTHING
       RETURNING ${COLUMNS}`,
      values: columns(lecturas),
    });
    return guardadas(lecturas, rows);
  }

  /**
   * Bulk path inside the caller's transaction: reserves ids and COPYs every
   * reading in. Returns the ids in input order; throws DuplicateKeyError
   * when a key was already stored (the transaction is then aborted).
   */
  async copyAll(tx: PoolClient, lecturas: LecturaCodificada[]): Promise<number[]> {
    // one row holding all ids: far cheaper to receive than one row per id
    const { rows } = await tx.query<{ ids: string[] }>({
      name: 'lectura_reserve_ids',
      text: `SELECT array_agg(nextval('lectura_id_seq')) AS ids FROM generate_series(1, $1)`,
      values: [lecturas.length],
    });
    const ids = rows[0].ids.map(Number);
    const text = lecturas
      .map(
        (l, i) =>
          `${ids[i]}\t${l.dispositivoId}\t${l.variableId}\t${l.estampaTiempo.toISOString()}\t${l.valorVariable}\n`,
      )
      .join('');
    try {
      await pipeline(
        Readable.from([text]),
        tx.query(
          copyFrom(
            'COPY lectura_codificada (id, dispositivo_id, variable_id, estampa_tiempo, valor_variable) FROM STDIN',
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
    lecturas: LecturaCodificada[],
    rechazadas: Rechazada[],
  ): Promise<LecturaGuardada[]> {
    const insert = `INSERT INTO lectura_codificada (dispositivo_id, variable_id, estampa_tiempo, valor_variable)
         SELECT * FROM unnest($1::int[], $2::int[], $3::timestamptz[], $4::float8[])
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
      return guardadas(lecturas, rows);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new DuplicateKeyError();
      throw error;
    }
  }

  /** The stored readings with the same keys as `lecturas`. */
  async findByClaves(q: Queryable, lecturas: LecturaCodificada[]): Promise<LecturaGuardada[]> {
    const [dispositivos, variables, estampas] = columns(lecturas);
    const { rows } = await q.query<Row>({
      name: 'lectura_find_by_claves',
      text: `SELECT ${COLUMNS}
       FROM unnest($1::int[], $2::int[], $3::timestamptz[])
            AS k(dispositivo_id, variable_id, estampa_tiempo)
       JOIN lectura_codificada USING (dispositivo_id, variable_id, estampa_tiempo)
       UNION ALL
       SELECT ${COLUMNS_COMPACTA}
       FROM unnest($1::int[], $2::int[], $3::timestamptz[]) AS k(d, v, e)
       JOIN lectura_compacta c ON c.dispositivo_id = k.d AND c.variable_id = k.v
         AND c.dia = (k.e AT TIME ZONE 'UTC')::date
       CROSS JOIN LATERAL unnest(c.ids, c.estampas, c.valores) AS u(id, ms, valor)
       WHERE lectura_instante(c.dia, u.ms) = k.e`,
      values: [dispositivos, variables, estampas],
    });
    return guardadas(lecturas, rows);
  }

  /**
   * One page of a device's readings ordered by (estampaTiempo, id). The key
   * index is (device, variable, instant): one variable is one index range;
   * all of them is each variable's first page, merged. Compacted readings
   * are read alongside, from their days from the cursor on.
   */
  async findPage(c: ConsultaPagina): Promise<LecturaGuardada[]> {
    const dispositivoId = await this.diccionario.findDispositivoId(c.numeroSerie);
    if (dispositivoId === undefined) return [];
    let variableId: number | undefined;
    if (c.nombreVariable) {
      [variableId] = await this.diccionario.findVariableIds([c.nombreVariable]);
      if (variableId === undefined) return [];
    }
    const params: unknown[] = [dispositivoId, variableId ?? null, c.limite];
    // the same bounds on the readings' rows and on compacted ones (whose days bound them too)
    const where = ['dispositivo_id = $1', `variable_id = ${variableId ? '$2' : 'v.id'}`];
    const whereCompacta = [
      'c.dispositivo_id = $1',
      `c.variable_id = ${variableId ? '$2' : 'v.id'}`,
    ];
    const instante = 'lectura_instante(c.dia, u.ms)';
    const dia = (n: number) => `($${n}::timestamptz AT TIME ZONE 'UTC')::date`;
    const add = (
      sql: (n: number) => string,
      compacta: (n: number) => string[],
      ...values: unknown[]
    ): void => {
      params.push(...values);
      const n = params.length - values.length + 1;
      where.push(sql(n));
      whereCompacta.push(...compacta(n));
    };
    if (c.desde) {
      add(
        (n) => `estampa_tiempo >= $${n}`,
        (n) => [`c.dia >= ${dia(n)}`, `${instante} >= $${n}`],
        c.desde,
      );
    }
    if (c.hasta) {
      add(
        (n) => `estampa_tiempo < $${n}`,
        (n) => [`c.dia <= ${dia(n)}`, `${instante} < $${n}`],
        c.hasta,
      );
    }
    if (c.despuesDe) {
      add(
        (n) => `(estampa_tiempo, id) > ($${n}, $${n + 1})`,
        (n) => [`c.dia >= ${dia(n)}`, `(${instante}, u.id) > ($${n}, $${n + 1})`],
        c.despuesDe.estampaTiempo,
        c.despuesDe.id,
      );
    }
    // compacted rows come in day order from their index; sorted within a day only
    const { rows } = await this.pool.query<Row & { nombre_variable: string }>(
      `SELECT p.*, v.nombre_variable
       FROM variable v CROSS JOIN LATERAL (
         (SELECT ${COLUMNS} FROM lectura_codificada WHERE ${where.join(' AND ')}
          ORDER BY estampa_tiempo, id LIMIT $3)
         UNION ALL
         (SELECT ${COLUMNS_COMPACTA} FROM ${COMPACTAS} WHERE ${whereCompacta.join(' AND ')}
          ORDER BY c.dia, estampa_ms, u.id LIMIT $3)) p
       WHERE $2::int IS NULL OR v.id = $2
       ORDER BY p.estampa_ms, p.id LIMIT $3`,
      params,
    );
    return rows.map((f) => ({
      id: Number(f.id),
      numeroSerie: c.numeroSerie,
      nombreVariable: f.nombre_variable,
      estampaTiempo: new Date(f.estampa_ms),
      valorVariable: f.valor_variable,
    }));
  }
}

function columns(lecturas: LecturaCodificada[]): [number[], number[], string[], number[]] {
  const dispositivos: number[] = [];
  const variables: number[] = [];
  const estampas: string[] = [];
  const valores: number[] = [];
  for (const l of lecturas) {
    dispositivos.push(l.dispositivoId);
    variables.push(l.variableId);
    estampas.push(l.estampaTiempo.toISOString());
    valores.push(l.valorVariable);
  }
  return [dispositivos, variables, estampas, valores];
}

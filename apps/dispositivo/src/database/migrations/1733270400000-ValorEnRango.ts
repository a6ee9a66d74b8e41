import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `valorVariable` is accepted only within ±1e15 (VALOR_VARIABLE_MAX_ABS):
 * beyond it a reading is a device fault, and float8 aggregates over such
 * values overflow. Readings stored before the rule existed are moved to the
 * dead letters (their JSON as the payload, the reason, topic
 * `(migration)/valor-fuera-de-rango`): kept for operators, never billed.
 * The CHECK comes first, NOT VALID (a brief lock, no scan), so no instance
 * still running the old code can add such a row behind the move; the move
 * and the validation then scan the table without blocking ingestion. Each
 * step is its own transaction with no statement timeout (a large table).
 */
export class ValorEnRango1733270400000 implements MigrationInterface {
  name = 'ValorEnRango1733270400000';
  transaction = false as const;

  async up(q: QueryRunner): Promise<void> {
    await step(
      q,
      `ALTER TABLE lectura DROP CONSTRAINT IF EXISTS lectura_valor_rango,
         ADD CONSTRAINT lectura_valor_rango
         CHECK (valor_variable BETWEEN -1e15 AND 1e15) NOT VALID`,
    );
    await step(
      q,
      `WITH fuera AS (
        DELETE FROM lectura WHERE NOT (valor_variable BETWEEN -1e15 AND 1e15)
        RETURNING id, numero_serie, nombre_variable, estampa_tiempo, valor_variable, recibida_en
      ), json AS (
        SELECT f.*, convert_to(json_build_object(
          'nombreVariable', nombre_variable, 'numeroSerie', numero_serie,
          'estampaTiempo', to_char(estampa_tiempo AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'valorVariable', valor_variable)::text, 'UTF8') AS payload
        FROM fuera f
      )
      INSERT INTO lectura_rechazada (topic, payload, payload_bytes, motivo, huella, recibida_en)
      SELECT '(migration)/valor-fuera-de-rango', payload, length(payload),
        jsonb_build_array(jsonb_build_object('field', 'valorVariable', 'reason',
          'must be between -1e15 and 1e15 (a larger magnitude is a device fault); ' ||
          'stored as reading ' || id || ' before the rule existed')),
        sha256(convert_to('valor-fuera-de-rango:' || id::text, 'UTF8')), recibida_en
      FROM json
      ON CONFLICT (huella) DO NOTHING`,
    );
    await step(q, `ALTER TABLE lectura VALIDATE CONSTRAINT lectura_valor_rango`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE lectura DROP CONSTRAINT lectura_valor_rango`);
  }
}

async function step(q: QueryRunner, sql: string): Promise<void> {
  await q.startTransaction();
  try {
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(sql);
    await q.commitTransaction();
  } catch (error) {
    await q.rollbackTransaction();
    throw error;
  }
}

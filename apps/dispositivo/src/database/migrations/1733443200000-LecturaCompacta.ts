import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier } from '@iot/database';

/**
 * Cold readings, compacted (issue 19; rules in docs/scaling.md).
 *
 * - `lectura_compacta` holds a compacted week's readings: one row per device,
 *   variable and UTC day (a chunk of at most 100,000 readings), the ids, the
 *   milliseconds since the day's midnight and the values as three arrays in
 *   instant order. 20 bytes a reading before TOAST's compression, where a
 *   row of `lectura_codificada` with its indexes takes ~120.
 * - Partitioned by week like the readings, so retention drops a compacted
 *   week whole too.
 * - A compacted week keeps its (emptied) partition of `lectura_codificada`,
 *   with a trigger refusing a key that is already compacted: a late
 *   duplicate is recognised as one, and a late new reading is stored there
 *   until the week is compacted again.
 * - `lectura_compactacion` lists the compacted weeks; the insert path checks
 *   the compacted readings only for instants before the newest of them.
 */
export class LecturaCompacta1733443200000 implements MigrationInterface {
  name = 'LecturaCompacta1733443200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE lectura_compacta_id_seq AS bigint`);
    await q.query(`
      CREATE TABLE lectura_compacta (
        -- the export's order over compacted readings: (id, position in the arrays)
        id             bigint  NOT NULL DEFAULT nextval('lectura_compacta_id_seq'),
        dispositivo_id integer NOT NULL,
        variable_id    integer NOT NULL,
        dia            date    NOT NULL,
        ids            bigint[] NOT NULL,
        -- milliseconds since the day's 00:00 UTC
        estampas       integer[] NOT NULL,
        valores        double precision[] NOT NULL
      ) PARTITION BY RANGE (dia)`);
    // readback (one device's variable over days) and the idempotency check of a late reading
    await q.query(
      `CREATE INDEX lectura_compacta_clave ON lectura_compacta (dispositivo_id, variable_id, dia)`,
    );
    // the export over compacted readings, in id order
    await q.query(`CREATE INDEX lectura_compacta_orden ON lectura_compacta (id)`);
    await q.query(`
      CREATE TABLE lectura_compactacion (
        semana   date        PRIMARY KEY,
        lecturas bigint      NOT NULL,
        en       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(FUNCIONES);
    await q.query(VISTA);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL statement_timeout = 0`);
    // the triggers first (they would refuse the keys being moved back), then the readings go
    // back into their weeks' partitions; exported first, as they were while compacted
    const triggers = (await q.query(`
      SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE t.tgname = 'lectura_compactada'`)) as { relname: string }[];
    for (const { relname } of triggers) {
      await q.query(`DROP TRIGGER lectura_compactada ON ${quoteIdentifier(relname)}`);
    }
    await q.query(`
      INSERT INTO lectura_codificada (id, xid, estampa_tiempo, valor_variable, dispositivo_id, variable_id)
      SELECT u.id, '0'::xid8, lectura_instante(c.dia, u.ms), u.valor, c.dispositivo_id, c.variable_id
      FROM lectura_compacta c, unnest(c.ids, c.estampas, c.valores) AS u(id, ms, valor)`);
    await q.query(VISTA_ANTERIOR);
    await q.query(`DROP TABLE lectura_compacta, lectura_compactacion`);
    await q.query(`DROP SEQUENCE lectura_compacta_id_seq`);
    await q.query(`DROP FUNCTION lectura_compactada_unica(), lectura_ms_del_dia(timestamptz),
      lectura_instante(date, integer)`);
  }
}

const FUNCIONES = `
-- a compacted instant: the milliseconds since its UTC day's midnight; an
-- instant finer than a millisecond cannot be compacted (every path that
-- writes readings stores milliseconds: this guards history written by hand)
CREATE FUNCTION lectura_ms_del_dia(e timestamptz) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  ms numeric := extract(epoch FROM (e AT TIME ZONE 'UTC') - date_trunc('day', e AT TIME ZONE 'UTC')) * 1000;
BEGIN
  IF ms <> trunc(ms) THEN
    RAISE EXCEPTION 'reading at % is finer than a millisecond: it cannot be compacted', e;
  END IF;
  RETURN ms::integer;
END $$;

CREATE FUNCTION lectura_instante(dia date, ms integer) RETURNS timestamptz
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (dia::timestamp AT TIME ZONE 'UTC') + ms * interval '1 millisecond'
$$;

-- on the partition of a compacted week: a key already compacted is a unique violation,
-- as it would be in the partition's own index
CREATE FUNCTION lectura_compactada_unica() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM lectura_compacta c
    WHERE c.dispositivo_id = NEW.dispositivo_id AND c.variable_id = NEW.variable_id
      AND c.dia = (NEW.estampa_tiempo AT TIME ZONE 'UTC')::date
      AND lectura_ms_del_dia(NEW.estampa_tiempo) = ANY (c.estampas)) THEN
    RAISE unique_violation USING
      MESSAGE = 'duplicate key value violates unique constraint "lectura_compacta_clave"',
      CONSTRAINT = 'lectura_compacta_clave';
  END IF;
  RETURN NEW;
END $$;
`;

const VISTA_ANTERIOR = `
CREATE OR REPLACE VIEW lectura AS
  SELECT l.id, d.numero_serie, v.nombre_variable, l.estampa_tiempo, l.valor_variable, l.xid
  FROM lectura_codificada l
  JOIN dispositivo d ON d.id = l.dispositivo_id
  JOIN variable v ON v.id = l.variable_id`;

// compacted readings too (their transaction ids are not kept: NULL)
const VISTA = `
CREATE OR REPLACE VIEW lectura AS
  SELECT l.id, d.numero_serie, v.nombre_variable, l.estampa_tiempo, l.valor_variable, l.xid
  FROM lectura_codificada l
  JOIN dispositivo d ON d.id = l.dispositivo_id
  JOIN variable v ON v.id = l.variable_id
  UNION ALL
  SELECT u.id, d.numero_serie, v.nombre_variable, lectura_instante(c.dia, u.ms), u.valor, NULL
  FROM lectura_compacta c
  CROSS JOIN LATERAL unnest(c.ids, c.estampas, c.valores) AS u(id, ms, valor)
  JOIN dispositivo d ON d.id = c.dispositivo_id
  JOIN variable v ON v.id = c.variable_id`;

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lean rows in weekly partitions (issue 19; measured in docs/scaling.md).
 *
 * - Serials and variable names are stored once, in `dispositivo` and
 *   `variable`; each reading holds their integer ids. The row is 40 bytes of
 *   data (64 with PostgreSQL's tuple header), where names and `recibida_en`
 *   made it 80 to 100.
 * - `lectura_codificada` is partitioned by `estampa_tiempo`, one partition per
 *   week from Monday 00:00 UTC, so retention drops whole partitions. The
 *   idempotency key includes the partition key (PostgreSQL requires it) and
 *   `dispositivo_id`, the column a distributed store would shard by.
 * - Weeks without a partition (clocks far off, history older than the
 *   install) land in the default partition: served like any other, never
 *   dropped by retention.
 * - `lectura` becomes a view with the old columns, so ad-hoc SQL keeps
 *   working; inserting into it resolves the names (row by row: slow, for
 *   operators and tests, never for the apps). A name it adds to a dictionary
 *   is part of the inserting transaction: until that commits, others
 *   inserting the same new name wait (the apps add names in statements of
 *   their own).
 * - `recibida_en` is gone: the export's lag comes from `lectura_reloj`, a
 *   (transaction id, time) pair written every few seconds.
 *
 * Existing rows are copied over with their ids and xids, one rewrite of the
 * table: plan a window as long as the first fill took.
 */
export class LecturaCodificada1733356800000 implements MigrationInterface {
  name = 'LecturaCodificada1733356800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`ALTER TABLE lectura RENAME TO lectura_v1`);
    // the old names go to the new table; only the copy below reads the old one, all of it
    await q.query(`DROP INDEX lectura_xid, lectura_variable_id, lectura_serie_tiempo`);
    await q.query(`ALTER TABLE lectura_v1 RENAME CONSTRAINT lectura_clave TO lectura_v1_clave`);
    await q.query(`
      CREATE TABLE dispositivo (
        id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        numero_serie varchar(64) NOT NULL CONSTRAINT dispositivo_numero_serie UNIQUE
      )`);
    await q.query(`
      CREATE TABLE variable (
        id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        nombre_variable varchar(63) NOT NULL CONSTRAINT variable_nombre UNIQUE
      )`);
    await q.query(`CREATE SEQUENCE lectura_id_seq_v2 AS bigint`);
    // widest columns first: 40 bytes of data with no alignment padding
    await q.query(`
      CREATE TABLE lectura_codificada (
        id             bigint           NOT NULL DEFAULT nextval('lectura_id_seq_v2'),
        xid            xid8             NOT NULL DEFAULT pg_current_xact_id(),
        estampa_tiempo timestamptz      NOT NULL,
        valor_variable double precision NOT NULL
          CONSTRAINT lectura_valor_rango CHECK (valor_variable BETWEEN -1e15 AND 1e15),
        dispositivo_id integer          NOT NULL,
        variable_id    integer          NOT NULL,
        -- the idempotency key; also the readback: one device's variable over time (all of a
        -- device's variables: each one's range, merged). In this order the entry is 24 bytes,
        -- with the instant second 32 (alignment)
        CONSTRAINT lectura_clave UNIQUE (dispositivo_id, variable_id, estampa_tiempo)
      ) PARTITION BY RANGE (estampa_tiempo)`);
    await q.query(`ALTER SEQUENCE lectura_id_seq_v2 OWNED BY lectura_codificada.id`);
    // the export to facturacion, in (xid, id) order: one entry per transaction
    // with its rows' addresses (deduplicated), ids sorted within it
    await q.query(`CREATE INDEX lectura_xid ON lectura_codificada (xid)`);
    // /solicitud, the original contract: newer than an id (ids follow insertion, so ranges are
    // tight); 16 pages (~1,900 rows) a range, about one page of /solicitud
    await q.query(
      `CREATE INDEX lectura_id ON lectura_codificada USING brin (id)
        WITH (pages_per_range = 16, autosummarize = on)`,
    );
    await q.query(`CREATE TABLE lectura_codificada_fuera PARTITION OF lectura_codificada DEFAULT`);
    await q.query(FUNCIONES);
    await q.query(VISTA);

    await q.query(`INSERT INTO dispositivo (numero_serie)
      SELECT DISTINCT numero_serie FROM lectura_v1 ORDER BY 1`);
    await q.query(`INSERT INTO variable (nombre_variable)
      SELECT DISTINCT nombre_variable FROM lectura_v1 ORDER BY 1`);
    // a partition for every week the data holds within the window, then this week and the next two
    await q.query(`SELECT lectura_asegurar_particion(semana) FROM (
        SELECT DISTINCT lectura_semana(estampa_tiempo) AS semana FROM lectura_v1
        UNION SELECT lectura_semana(now() + n * interval '7 days') FROM generate_series(0, 2) n
      ) s WHERE lectura_en_ventana(semana)`);
    await q.query(`
      INSERT INTO lectura_codificada
        (id, xid, estampa_tiempo, valor_variable, dispositivo_id, variable_id)
      SELECT l.id, l.xid, l.estampa_tiempo, l.valor_variable, d.id, v.id
      FROM lectura_v1 l
      JOIN dispositivo d USING (numero_serie)
      JOIN variable v USING (nombre_variable)`);
    // the id sequence goes on where the old one was (ids are never reused)
    const [{ seq }] = (await q.query(
      `SELECT pg_get_serial_sequence('lectura_v1', 'id') AS seq`,
    )) as { seq: string }[];
    const [{ ultimo }] = (await q.query(
      `SELECT greatest(pg_sequence_last_value($1::regclass), (SELECT max(id) FROM lectura_v1), 0) AS ultimo`,
      [seq],
    )) as { ultimo: string }[];
    await q.query(`SELECT setval('lectura_id_seq_v2', $1::bigint + 1, false)`, [ultimo]);
    await q.query(`DROP TABLE lectura_v1`);
    await q.query(`ALTER SEQUENCE lectura_id_seq_v2 RENAME TO lectura_id_seq`);
    await q.query(`
      CREATE TABLE lectura_reloj (
        xid xid8        PRIMARY KEY,
        en  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO lectura_reloj (xid) VALUES (pg_current_xact_id())`);
    await q.query(`
      CREATE TABLE exportacion_consumidor (
        consumidor     varchar(64) NOT NULL,
        variable_id    integer     NOT NULL,
        xid            xid8        NOT NULL,
        id             bigint      NOT NULL,
        actualizado_en timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumidor, variable_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`
      CREATE TABLE lectura_v1 (
        id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        numero_serie    varchar(64)      NOT NULL,
        nombre_variable varchar(63)      NOT NULL,
        estampa_tiempo  timestamptz      NOT NULL,
        valor_variable  double precision NOT NULL CONSTRAINT lectura_v1_valor_rango
          CHECK (valor_variable BETWEEN -1e15 AND 1e15),
        recibida_en     timestamptz      NOT NULL DEFAULT now(),
        xid             xid8             NOT NULL DEFAULT pg_current_xact_id(),
        CONSTRAINT lectura_v1_clave UNIQUE (numero_serie, nombre_variable, estampa_tiempo)
      )`);
    await q.query(`INSERT INTO lectura_v1
        (id, numero_serie, nombre_variable, estampa_tiempo, valor_variable, xid)
      SELECT id, numero_serie, nombre_variable, estampa_tiempo, valor_variable, xid FROM lectura`);
    await q.query(`SELECT setval(pg_get_serial_sequence('lectura_v1', 'id'),
        greatest(pg_sequence_last_value('lectura_id_seq'), 1))`);
    await q.query(`DROP VIEW lectura`);
    await q.query(`DROP TABLE exportacion_consumidor, lectura_reloj, lectura_codificada,
        dispositivo, variable`);
    await q.query(`DROP FUNCTION lectura_insertar(), lectura_borrar(), lectura_asegurar_particion(date),
        lectura_semana(timestamptz), lectura_en_ventana(date), dispositivo_id_de(varchar),
        variable_id_de(varchar)`);
    await q.query(`ALTER TABLE lectura_v1 RENAME TO lectura`);
    await q.query(`ALTER SEQUENCE lectura_v1_id_seq RENAME TO lectura_id_seq`);
    await q.query(`ALTER TABLE lectura RENAME CONSTRAINT lectura_v1_clave TO lectura_clave`);
    await q.query(
      `ALTER TABLE lectura RENAME CONSTRAINT lectura_v1_valor_rango TO lectura_valor_rango`,
    );
    await q.query(`ALTER INDEX lectura_v1_pkey RENAME TO lectura_pkey`);
    await q.query(`CREATE INDEX lectura_variable_id ON lectura (nombre_variable, id)`);
    await q.query(
      `CREATE INDEX lectura_serie_tiempo ON lectura (numero_serie, estampa_tiempo, id)`,
    );
    await q.query(`CREATE INDEX lectura_xid ON lectura (xid, id)`);
  }
}

/** A dictionary's id for a name, added if new (SELECT first: the common case writes nothing). */
const idDe = (funcion: string, tabla: string, columna: string) => `
CREATE FUNCTION ${funcion}(nombre varchar) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE r integer;
BEGIN
  SELECT id INTO r FROM ${tabla} WHERE ${columna} = nombre;
  IF r IS NULL THEN
    INSERT INTO ${tabla} (${columna}) VALUES (nombre) ON CONFLICT DO NOTHING RETURNING id INTO r;
  END IF;
  RETURN coalesce(r, (SELECT id FROM ${tabla} WHERE ${columna} = nombre));
END $$;`;

/**
 * Partition rules, in the database so the migration, the app's maintenance
 * job and operators share one definition.
 * - A week starts on Monday 00:00 UTC (2000-01-03 was one).
 * - The window: weeks from 2000 to two weeks ahead of now. Readings outside
 *   it (an unset clock's 1970, a clock years ahead) stay in the default
 *   partition.
 * - Creating a week's partition moves any rows of that week out of the
 *   default partition first, in the same transaction (PostgreSQL refuses to
 *   attach a range the default partition holds rows of).
 */
const FUNCIONES = `
CREATE FUNCTION lectura_semana(t timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (date_bin('7 days', t, timestamptz '2000-01-03 00:00Z') AT TIME ZONE 'UTC')::date;

CREATE FUNCTION lectura_en_ventana(semana date) RETURNS boolean
  LANGUAGE sql STABLE
  RETURN semana >= date '2000-01-03' AND semana <= lectura_semana(now() + interval '14 days');

CREATE FUNCTION lectura_asegurar_particion(semana date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  nombre text := 'lectura_codificada_' || to_char(semana, 'YYYYMMDD');
  desde timestamptz := semana::timestamp AT TIME ZONE 'UTC';
  hasta timestamptz := (semana + 7)::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF extract(isodow FROM semana) <> 1 THEN
    RAISE EXCEPTION 'lectura_asegurar_particion: % is not a Monday', semana;
  END IF;
  IF to_regclass(nombre) IS NOT NULL THEN
    RETURN false;
  END IF;
  -- the default partition stays locked until commit: no row of this week can slip in meanwhile
  LOCK TABLE lectura_codificada_fuera IN SHARE ROW EXCLUSIVE MODE;
  EXECUTE format('CREATE TABLE %I (LIKE lectura_codificada INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', nombre);
  EXECUTE format('WITH movidas AS (DELETE FROM lectura_codificada_fuera
      WHERE estampa_tiempo >= $1 AND estampa_tiempo < $2 RETURNING *)
    INSERT INTO %I SELECT * FROM movidas', nombre) USING desde, hasta;
  EXECUTE format('ALTER TABLE lectura_codificada ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
    nombre, desde, hasta);
  RETURN true;
END $$;

${idDe('dispositivo_id_de', 'dispositivo', 'numero_serie')}
${idDe('variable_id_de', 'variable', 'nombre_variable')}
`;

/** The readings as they were: names, not ids; inserts and deletes go to the store. */
const VISTA = `
CREATE VIEW lectura AS
  SELECT l.id, d.numero_serie, v.nombre_variable, l.estampa_tiempo, l.valor_variable, l.xid
  FROM lectura_codificada l
  JOIN dispositivo d ON d.id = l.dispositivo_id
  JOIN variable v ON v.id = l.variable_id;

CREATE FUNCTION lectura_insertar() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO lectura_codificada (id, xid, estampa_tiempo, valor_variable, dispositivo_id, variable_id)
  VALUES (coalesce(NEW.id, nextval('lectura_id_seq')), coalesce(NEW.xid, pg_current_xact_id()),
    NEW.estampa_tiempo, NEW.valor_variable,
    dispositivo_id_de(NEW.numero_serie), variable_id_de(NEW.nombre_variable))
  RETURNING id, xid INTO NEW.id, NEW.xid;
  RETURN NEW;
END $$;

CREATE FUNCTION lectura_borrar() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM lectura_codificada
  WHERE dispositivo_id = (SELECT id FROM dispositivo WHERE numero_serie = OLD.numero_serie)
    AND variable_id = (SELECT id FROM variable WHERE nombre_variable = OLD.nombre_variable)
    AND estampa_tiempo = OLD.estampa_tiempo;
  RETURN OLD;
END $$;

CREATE TRIGGER lectura_insertar INSTEAD OF INSERT ON lectura
  FOR EACH ROW EXECUTE FUNCTION lectura_insertar();
CREATE TRIGGER lectura_borrar INSTEAD OF DELETE ON lectura
  FOR EACH ROW EXECUTE FUNCTION lectura_borrar();
`;

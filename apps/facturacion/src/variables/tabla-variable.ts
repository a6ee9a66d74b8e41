import { quoteIdentifier } from '@iot/database';

/**
 * Every billing variable has a table of its own, as in the original, but in
 * schema `variables`: a variable named `facturacion`, `pg_class` or `select`
 * is just `variables."facturacion"`, never a clash with the app's own tables
 * or the catalog. Names come from data, so they go through quoteIdentifier
 * (pattern check, then double quotes) every time.
 */
const ESQUEMA_VARIABLES = 'variables';

export function tablaVariable(nombre: string): string {
  return `${quoteIdentifier(ESQUEMA_VARIABLES)}.${quoteIdentifier(nombre)}`;
}

/**
 * The table, keyed by dispositivo's reading id (so a reading is stored once
 * however often it arrives), with the indexes of the billing queries: one
 * device over time (covering the value, so the energy job and the billing
 * queries read the index alone: measured 27 -> 10 ms per device-month), and
 * all devices over time. (Migration 1733529600000 gave older tables the
 * covering index.) Index names are left to PostgreSQL, which keeps
 * them unique and within 63 bytes.
 */
export function crearTablaVariableSql(nombre: string): string[] {
  const tabla = tablaVariable(nombre);
  return [
    `CREATE TABLE ${tabla} (
       id_dispositivo bigint           PRIMARY KEY,
       numero_serie   varchar(64)      NOT NULL,
       estampa_tiempo timestamptz      NOT NULL,
       valor_variable double precision NOT NULL
     )`,
    `CREATE INDEX ON ${tabla} (numero_serie, estampa_tiempo, id_dispositivo) INCLUDE (valor_variable)`,
    `CREATE INDEX ON ${tabla} (estampa_tiempo, id_dispositivo)`,
  ];
}

/** The original's all-variables `facturacion` relation, as a view over every variable table. */
export function vistaFacturacionSql(nombres: string[]): string {
  const partes = nombres.map(
    (n) =>
      `SELECT id_dispositivo, ${literal(n)}::varchar(63) AS nombre_variable, numero_serie, estampa_tiempo, valor_variable FROM ${tablaVariable(n)}`,
  );
  const cuerpo =
    partes.length > 0
      ? partes.join('\nUNION ALL\n')
      : `SELECT NULL::bigint, NULL::varchar(63), NULL::varchar(64), NULL::timestamptz, NULL::float8 WHERE false`;
  return `CREATE OR REPLACE VIEW facturacion
    (id_dispositivo, nombre_variable, numero_serie, estampa_tiempo, valor_variable) AS ${cuerpo}`;
}

/** A name that passed quoteIdentifier's pattern holds no quote: safe as a literal. */
function literal(nombre: string): string {
  quoteIdentifier(nombre);
  return `'${nombre}'`;
}

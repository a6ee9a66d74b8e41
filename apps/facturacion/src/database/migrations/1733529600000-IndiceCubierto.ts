import { MigrationInterface, QueryRunner } from 'typeorm';

const CUBIERTO =
  'USING btree (numero_serie, estampa_tiempo, id_dispositivo) INCLUDE (valor_variable)';
const VIEJO = 'USING btree (numero_serie, estampa_tiempo, id_dispositivo)';

/**
 * Every variable table's one-device-over-time index also carries the value
 * (INCLUDE), so the energy job and the billing queries read a device's
 * samples from the index alone. Built CONCURRENTLY (the sync keeps writing
 * during a long build), outside a transaction and with no statement
 * timeout; a build left invalid by an interrupted run is dropped and redone,
 * and the old index goes only once the new one is valid.
 */
export class IndiceCubierto1733529600000 implements MigrationInterface {
  name = 'IndiceCubierto1733529600000';
  transaction = false as const;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET statement_timeout = 0`);
    try {
      const tablas = (await q.query(
        `SELECT format('%I.%I', n.nspname, c.relname) AS tabla
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'variables' AND c.relkind = 'r' ORDER BY c.relname`,
      )) as Array<{ tabla: string }>;
      for (const { tabla } of tablas) {
        const indices = (): Promise<Array<{ nombre: string; valido: boolean; def: string }>> =>
          q.query(
            `SELECT format('%I.%I', n.nspname, ic.relname) AS nombre, i.indisvalid AS valido,
                    pg_get_indexdef(i.indexrelid) AS def
             FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
             JOIN pg_namespace n ON n.oid = ic.relnamespace
             WHERE i.indrelid = $1::regclass`,
            [tabla],
          );
        for (const i of await indices()) {
          if (!i.valido && i.def.endsWith(CUBIERTO))
            await q.query(`DROP INDEX CONCURRENTLY ${i.nombre}`);
        }
        if (!(await indices()).some((i) => i.def.endsWith(CUBIERTO))) {
          await q.query(
            `CREATE INDEX CONCURRENTLY ON ${tabla} (numero_serie, estampa_tiempo, id_dispositivo) INCLUDE (valor_variable)`,
          );
        }
        for (const i of await indices()) {
          if (i.def.endsWith(VIEJO)) await q.query(`DROP INDEX CONCURRENTLY ${i.nombre}`);
        }
      }
    } finally {
      await q.query(`RESET statement_timeout`);
    }
  }

  async down(): Promise<void> {
    // the covering index serves every query the old one did: nothing to undo
  }
}

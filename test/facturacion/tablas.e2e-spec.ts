import { pgPool } from '@iot/database';
import { DataSource } from 'typeorm';
import { VariablesFacturadasRepository } from '../../apps/facturacion/src/sincronizacion/variables-facturadas.repository';
import { createTestDatabase, TestDatabase } from '../support/database';
import { facturacionStore } from '../support/facturacion-store';

/** Variables are billed in parallel: each creates its table and rebuilds the all-variables view. */
describe('facturacion: variable tables created concurrently', () => {
  let db: TestDatabase;
  let source: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    source = await facturacionStore(db.url, 10);
  });
  afterAll(async () => {
    await source.destroy();
    await db.drop();
  });

  it('keeps every variable in the view when eight are created at once, each once', async () => {
    const repository = new VariablesFacturadasRepository(pgPool(source));
    const names = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7', 'h8'];
    // each name twice: the second creator of a name must find it created, not fail
    await Promise.all([...names, ...names].map((n) => repository.ensureTable(n)));
    const view = await source.query(`SELECT pg_get_viewdef('facturacion'::regclass) AS def`);
    for (const n of names) expect(view[0].def).toContain(`variables.${n}`);
    const tables = await source.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'variables'`,
    );
    expect(tables[0].n).toBe(names.length);
  });

  const indexes = async (tabla: string): Promise<string[]> =>
    (
      await source.query(
        `SELECT regexp_replace(indexdef, '^.* USING ', '') AS def FROM pg_indexes
         WHERE schemaname = 'variables' AND tablename = $1 ORDER BY indexdef`,
        [tabla],
      )
    ).map((r: { def: string }) => r.def);
  const COVERING = 'btree (numero_serie, estampa_tiempo, id_dispositivo) INCLUDE (valor_variable)';

  it('reads one device over time from a covering index, also on tables made before it', async () => {
    const repository = new VariablesFacturadasRepository(pgPool(source));
    await repository.ensureTable('nueva');
    expect(await indexes('nueva')).toContain(COVERING);
    // a table as the first release made it, then the upgrade's migration
    await source.query(`CREATE TABLE variables.vieja (id_dispositivo bigint PRIMARY KEY,
      numero_serie varchar(64) NOT NULL, estampa_tiempo timestamptz NOT NULL,
      valor_variable double precision NOT NULL)`);
    await source.query(
      `CREATE INDEX ON variables.vieja (numero_serie, estampa_tiempo, id_dispositivo)`,
    );
    await source.query(`CREATE INDEX ON variables.vieja (estampa_tiempo, id_dispositivo)`);
    await source.query(
      `INSERT INTO variables.vieja SELECT i, 'S' || (i % 50), timestamptz '2026-01-01' + i * interval '1 minute', i
       FROM generate_series(1, 20000) i`,
    );
    await source.query(`DELETE FROM migrations WHERE name = 'IndiceCubierto1733529600000'`);
    await source.runMigrations();
    expect(await indexes('vieja')).toEqual([
      'btree (estampa_tiempo, id_dispositivo)',
      COVERING,
      'btree (id_dispositivo)',
    ]);
    await source.query(`VACUUM ANALYZE variables.vieja`);
    const plan = await source.query(
      `EXPLAIN SELECT estampa_tiempo, valor_variable FROM variables.vieja
       WHERE numero_serie = 'S7' AND estampa_tiempo >= '2026-01-02' ORDER BY estampa_tiempo`,
    );
    expect(plan.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n')).toContain(
      'Index Only Scan',
    );
  });
});

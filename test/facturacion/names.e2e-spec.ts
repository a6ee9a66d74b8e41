import { TEST_API_KEY } from '../support/dispositivo';
import { expectExact, ingest, syncUntilCaughtUp, useSuite } from '../support/facturacion';
import { http } from '../support/http';
import { runToExit } from '../support/run-app';

const NAMES = ['pg_class', 'facturacion', 'select', 'user', 'variable_facturada'];

/** Variable names come from data: catalog-like, reserved or clashing names are just names. */
describe('facturacion: names from data', () => {
  const suite = useSuite({ BILLING_VARIABLES: NAMES.join(',') });

  it('bills catalog-like and reserved names into their own tables, touching nothing else', async () => {
    const readings = NAMES.flatMap((nombreVariable, v) =>
      Array.from({ length: 20 }, (_, i) => ({
        nombreVariable,
        numeroSerie: `N${i % 3}`,
        estampaTiempo: 1767225600000 + i * 60_000,
        valorVariable: v * 100 + i,
      })),
    );
    await ingest(suite.dispositivo.url, readings);
    await syncUntilCaughtUp(suite.facturacion);
    for (const n of NAMES) await expectExact(suite, n);

    const { rows } = await suite.destino.query(
      `SELECT table_schema, table_name, table_type FROM information_schema.tables
       WHERE table_name = ANY($1) ORDER BY 1, 2`,
      [NAMES],
    );
    expect(rows).toEqual([
      // the system catalog and the app's own relations are untouched
      { table_schema: 'pg_catalog', table_name: 'pg_class', table_type: 'BASE TABLE' },
      { table_schema: 'public', table_name: 'facturacion', table_type: 'VIEW' },
      { table_schema: 'public', table_name: 'variable_facturada', table_type: 'BASE TABLE' },
      ...[...NAMES].sort().map((n) => ({
        table_schema: 'variables',
        table_name: n,
        table_type: 'BASE TABLE',
      })),
    ]);
    // the real catalog still answers, and the view holds all five variables
    const catalog = await suite.destino.query(`SELECT count(*)::int AS n FROM pg_catalog.pg_class`);
    expect(catalog.rows[0].n).toBeGreaterThan(100);
    const view = await suite.destino.query(
      `SELECT nombre_variable, count(*)::int AS n FROM facturacion GROUP BY 1 ORDER BY 1`,
    );
    expect(view.rows).toEqual([...NAMES].sort().map((n) => ({ nombre_variable: n, n: 20 })));

    for (const n of NAMES) {
      const page = await http(
        suite.facturacion.url,
        'GET',
        `/api/facturacion/variables/${n}/lecturas`,
      );
      expect(page.status).toBe(200);
      expect(page.body.lecturas).toHaveLength(20);
      expect(page.body.lecturas.every((l: any) => l.nombreVariable === n)).toBe(true);
    }
    const listed = await http(suite.facturacion.url, 'GET', '/api/facturacion/variables');
    expect(listed.body.variables.map((v: any) => [v.nombre, v.filas])).toEqual(
      [...NAMES].sort().map((n) => [n, 20]),
    );
  });

  it.each([
    ['x";drop table variable_facturada;--', 400],
    ['Pg_Class', 400],
    ['a'.repeat(64), 400],
    ['pg_catalog.pg_class', 400],
    ['temperatura', 404],
  ])('answers %p with %p and no SQL', async (nombre, status) => {
    const res = await http(
      suite.facturacion.url,
      'GET',
      `/api/facturacion/variables/${encodeURIComponent(nombre)}/lecturas`,
    );
    expect(res.status).toBe(status);
    if (status === 400) expect(res.body.errors[0].field).toBe('nombre');
    const still = await suite.destino.query(`SELECT count(*)::int AS n FROM variable_facturada`);
    expect(still.rows[0].n).toBe(NAMES.length);
  });

  it('refuses to start with an injection in BILLING_VARIABLES (exit 78, the setting named)', async () => {
    const run = await runToExit('facturacion', {
      API_KEYS: TEST_API_KEY,
      DATABASE_URL: suite.facturacionDb.url,
      DISPOSITIVO_API_KEY: TEST_API_KEY,
      FACTURACION_PORT: '0',
      BILLING_VARIABLES: 'voltaje,x"; DROP TABLE variable_facturada; --',
    });
    expect(run.code).toBe(78);
    expect(run.stderr + run.stdout).toContain('BILLING_VARIABLES: an entry');
  });
});

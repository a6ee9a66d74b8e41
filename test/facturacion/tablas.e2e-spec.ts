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
});

import { DataSource } from 'typeorm';
import { typeOrmOptions } from '@iot/database';
import { migrations as dispositivoMigrations } from '../../apps/dispositivo/src/database/migrations';
import { tablaVariable } from '../../apps/facturacion/src/variables/tabla-variable';
import { ingest, syncUntilCaughtUp, useSuite } from '../support/facturacion';
import { http } from '../support/http';

const T0 = Date.UTC(2026, 0, 10, 10, 0, 0);
const RANGE = 'must be between -1e15 and 1e15 (a larger magnitude is a device fault)';

const corriente = (numeroSerie: string, i: number, valorVariable: unknown) => ({
  nombreVariable: 'corriente',
  numeroSerie,
  estampaTiempo: T0 + i * 1000,
  valorVariable,
});

/**
 * A device key could post 1e200 (or ±1e308) and break its variable's billing
 * summary (float8 avg overflows): values are bounded at ingestion, and the
 * summary's aggregates cannot overflow on what was stored before the bound.
 */
describe('valorVariable range: ingestion bound and overflow-free aggregates', () => {
  const suite = useSuite();
  const resumen = (query = '') =>
    http(suite.facturacion.url, 'GET', `/api/facturacion/variables/corriente/resumen${query}`);

  it.each([[1e200], [-1e308], [1e308], [1e15 + 2], ['1e16']])(
    'refuses %p on /envio and in a batch, naming the field',
    async (valor) => {
      const one = await http(
        suite.dispositivo.url,
        'POST',
        '/api/dispositivo/envio',
        corriente('BIG', 0, valor),
      );
      expect(one.status).toBe(400);
      expect(one.body.errors).toEqual([{ field: 'valorVariable', reason: RANGE }]);
      const batch = await http(suite.dispositivo.url, 'POST', '/api/dispositivo/lecturas', [
        corriente('BIG', 1, valor),
        corriente('BIG', 2, 5),
      ]);
      expect(batch.status).toBe(200);
      expect(batch.body.items[0]).toEqual({
        indice: 0,
        estado: 'rejected',
        errors: [{ field: 'valorVariable', reason: RANGE }],
      });
      expect(batch.body.items[1].estado).not.toBe('rejected');
    },
  );

  it('sums the largest accepted values exactly and summarises them', async () => {
    await ingest(suite.dispositivo.url, [
      corriente('MAX', 10, 1e15),
      corriente('MAX', 11, 1e15),
      corriente('MAX', 12, 1e15),
      corriente('MAX', 13, -1e15),
      corriente('MAX', 14, 2),
    ]);
    await syncUntilCaughtUp(suite.facturacion);
    const res = await resumen('?numeroSerie=MAX&intervalo=hora');
    expect(res.status).toBe(200);
    expect(res.body.resumen).toEqual([
      expect.objectContaining({
        cantidad: 5,
        minimo: -1e15,
        maximo: 1e15,
        suma: 2e15 + 2,
        promedio: (2e15 + 2) / 5,
      }),
    ]);
  });

  it('answers the summary (JSON and CSV) over values stored before the bound', async () => {
    // what a facturacion that synced before the fix holds: written past the API on purpose
    await suite.destino.query(
      `INSERT INTO ${tablaVariable('corriente')} (id_dispositivo, numero_serie, estampa_tiempo, valor_variable)
       VALUES (900000001, 'OLD', $1, 1e200), (900000002, 'OLD', $1, 1e200),
              (900000003, 'OLD', $2, 1.7e308), (900000004, 'OLD', $2, 1.7e308),
              (900000005, 'OLD', $2, -1e308)`,
      [new Date(T0), new Date(T0 + 86_400_000)],
    );
    for (const intervalo of ['hora', 'dia', 'semana', 'mes']) {
      const res = await resumen(`?numeroSerie=OLD&intervalo=${intervalo}&zona=America/Santiago`);
      expect(res.status).toBe(200);
      for (const b of res.body.resumen) {
        expect(Number.isFinite(b.promedio)).toBe(true);
        expect(Number.isFinite(b.minimo) && Number.isFinite(b.maximo)).toBe(true);
      }
    }
    const days = await resumen('?numeroSerie=OLD&intervalo=dia&zona=UTC');
    expect(days.body.resumen).toEqual([
      expect.objectContaining({ cantidad: 2, suma: 2e200, promedio: 1e200 }),
      // 1.7e308 + 1.7e308 - 1e308 is beyond float8: no sum, a finite average
      expect.objectContaining({ cantidad: 3, suma: null, promedio: 8e307 }),
    ]);
    const csv = await http(
      suite.facturacion.url,
      'GET',
      '/api/facturacion/variables/corriente/resumen?numeroSerie=OLD&intervalo=dia&zona=UTC&formato=csv&separador=;',
    );
    expect(csv.status).toBe(200);
    expect(String(csv.body).split('\r\n').filter(Boolean)).toHaveLength(3);
  });

  it('moves readings stored before the bound to the dead letters on upgrade', async () => {
    // dispositivo's database as an older version left it: the store before issue 19's
    // migration (undone), no rule, out-of-range rows stored
    await suite.dispositivo.kill('SIGTERM');
    const source = new DataSource({
      ...typeOrmOptions(
        {
          url: suite.dispositivoDb.url,
          poolSize: 1,
          connectTimeoutMs: 5000,
          queryTimeoutMs: 60_000,
        },
        'test-undo',
        dispositivoMigrations,
      ),
      migrationsRun: false,
    });
    await source.initialize();
    for (const name of [
      'LecturaClaveValor1733529600000',
      'LecturaCompacta1733443200000',
      'LecturaCodificada1733356800000',
      'ValorEnRango1733270400000',
    ]) {
      const [last] = await source.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`);
      expect(last.name).toBe(name);
      await source.undoLastMigration({ transaction: 'each' });
    }
    await source.destroy();
    const { rows } = await suite.origen.query<{ id: string }>(
      `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
       VALUES ('LEGACY', 'corriente', $1, 1e200), ('LEGACY', 'corriente', $2, -1.5e308),
              ('LEGACY', 'corriente', $3, 7)
       RETURNING id`,
      [new Date(T0 + 50_000), new Date(T0 + 51_000), new Date(T0 + 52_000)],
    );
    const before = await suite.origen.query(`SELECT count(*)::int AS n FROM lectura`);
    suite.dispositivo = await suite.startDispositivo(suite.dispositivo.port);
    // every other reading came through both migrations, ids kept
    const after = await suite.origen.query(`SELECT count(*)::int AS n FROM lectura`);
    expect(after.rows[0].n).toBe(before.rows[0].n - 2);
    const kept = await suite.origen.query(
      `SELECT id::text FROM lectura WHERE numero_serie = 'LEGACY'`,
    );
    expect(kept.rows).toEqual([{ id: rows[2].id }]);

    const left = await suite.origen.query(
      `SELECT valor_variable FROM lectura WHERE numero_serie = 'LEGACY'`,
    );
    expect(left.rows).toEqual([{ valor_variable: 7 }]);
    const letters = await suite.origen.query(
      `SELECT convert_from(payload, 'UTF8')::json AS item, motivo FROM lectura_rechazada
       WHERE topic = '(migration)/valor-fuera-de-rango' ORDER BY id`,
    );
    expect(letters.rows.map((r) => r.item)).toEqual([
      {
        nombreVariable: 'corriente',
        numeroSerie: 'LEGACY',
        estampaTiempo: new Date(T0 + 50_000).toISOString(),
        valorVariable: 1e200,
      },
      {
        nombreVariable: 'corriente',
        numeroSerie: 'LEGACY',
        estampaTiempo: new Date(T0 + 51_000).toISOString(),
        valorVariable: -1.5e308,
      },
    ]);
    expect(letters.rows[0].motivo[0]).toEqual({
      field: 'valorVariable',
      reason: expect.stringContaining(`stored as reading ${rows[0].id} before the rule existed`),
    });
    // and the database itself now refuses such a row
    await expect(
      suite.origen.query(
        `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
         VALUES ('LEGACY', 'corriente', now(), 1e16)`,
      ),
    ).rejects.toThrow(/lectura_valor_rango/);
    // the sync bills the one reading left
    await syncUntilCaughtUp(suite.facturacion);
    const billed = await suite.destino.query(
      `SELECT valor_variable FROM ${tablaVariable('corriente')} WHERE numero_serie = 'LEGACY'`,
    );
    expect(billed.rows).toEqual([{ valor_variable: 7 }]);
  });
});

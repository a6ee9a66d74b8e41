import { Client } from 'pg';
import { SYNC_LOCK_KEY } from '../../apps/facturacion/src/sincronizacion/sincronizaciones.repository';
import { http } from '../support/http';
import {
  bulkLoad,
  expectExact,
  ingest,
  sync,
  syncUntilCaughtUp,
  useSuite,
  waitRun,
} from '../support/facturacion';

const reading = (variable: string, serie: string, i: number) => ({
  nombreVariable: variable,
  numeroSerie: serie,
  estampaTiempo: 1767225600000 + i * 1000,
  valorVariable: i / 4,
});

describe('facturacion pull: exactness', () => {
  const suite = useSuite();

  it('copies only the billing variables, each reading once, with counters, view and lag', async () => {
    const batch = [];
    for (let i = 0; i < 3000; i++) {
      batch.push(reading(['voltaje', 'corriente', 'temperatura'][i % 3], `D${i % 7}`, i));
    }
    await ingest(suite.dispositivo.url, batch);
    const { runs: done, filas } = await syncUntilCaughtUp(suite.facturacion);
    const run = done[0];
    expect(run).toMatchObject({ estado: 'completada', origen: 'manual', error: null });
    expect(filas).toEqual({ voltaje: 1000, corriente: 1000 });

    for (const v of ['voltaje', 'corriente']) {
      await expectExact(suite, v);
    }
    const tables = await suite.destino.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'variables' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['corriente', 'voltaje']);
    // the original's all-variables relation, now a view
    const view = await suite.destino.query(
      `SELECT nombre_variable, count(*)::int AS n FROM facturacion GROUP BY 1 ORDER BY 1`,
    );
    expect(view.rows).toEqual([
      { nombre_variable: 'corriente', n: 1000 },
      { nombre_variable: 'voltaje', n: 1000 },
    ]);
    // the stored values are the sent ones
    const sample = await suite.destino.query(
      `SELECT numero_serie, estampa_tiempo, valor_variable FROM variables.voltaje
       ORDER BY estampa_tiempo LIMIT 1`,
    );
    expect(sample.rows[0]).toEqual({
      numero_serie: 'D0',
      estampa_tiempo: new Date(1767225600000),
      valor_variable: 0,
    });

    const variables = await http(suite.facturacion.url, 'GET', '/api/facturacion/variables');
    expect(variables.body.variables).toEqual([
      expect.objectContaining({ nombre: 'corriente', filas: 1000 }),
      expect.objectContaining({
        nombre: 'voltaje',
        filas: 1000,
        primeraLectura: new Date(1767225600000).toISOString(),
        ultimaLectura: new Date(1767225600000 + 2997 * 1000).toISOString(),
      }),
    ]);

    // nothing new: a second run copies nothing
    const again = await sync(suite.facturacion);
    expect(again.variables.voltaje.filas).toBe(0);
    const runs = await http(suite.facturacion.url, 'GET', '/api/facturacion/sincronizaciones');
    expect(runs.body.sincronizaciones.map((r: any) => r.id).slice(0, 2)).toEqual([
      again.id,
      run.id,
    ]);
    expect(runs.body).toMatchObject({ programacion: null, enCurso: null, dispositivo: 'ok' });
  });

  it('never skips a reading whose id commits after a higher one', async () => {
    await syncUntilCaughtUp(suite.facturacion);
    const insert = `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
      VALUES ($1, 'voltaje', to_timestamp($2), 1) RETURNING id`;
    const slow = suite.origen;
    const fast = new Client({ connectionString: suite.dispositivoDb.url });
    await fast.connect();
    // a name new to the dictionary, added inside the open transaction, would hold the other insert
    await fast.query(`SELECT dispositivo_id_de('OOO'), variable_id_de('voltaje')`);
    await slow.query('BEGIN');
    const low = Number((await slow.query(insert, ['OOO', 1])).rows[0].id);
    const high = Number((await fast.query(insert, ['OOO', 2])).rows[0].id);
    expect(high).toBeGreaterThan(low);
    const first = await sync(suite.facturacion);
    expect(first.estado).toBe('completada');
    // committed but behind the horizon: reported as pending, not copied yet
    expect(first.variables.voltaje.pendientes).toBe(1);
    await slow.query('COMMIT');
    await syncUntilCaughtUp(suite.facturacion);
    const stored = await suite.destino.query(
      `SELECT id_dispositivo FROM variables.voltaje WHERE numero_serie = 'OOO' ORDER BY 1`,
    );
    expect(stored.rows.map((r) => Number(r.id_dispositivo))).toEqual([low, high]);
    await fast.end();
  });

  it('stays exact while ingestion and scheduled runs on two instances overlap', async () => {
    // two more instances on the same database, each with the cron every second
    const a = await suite.startFacturacion({ SYNC_CRON: '* * * * * *', SYNC_BATCH_ROWS: '50' });
    const b = await suite.startFacturacion({ SYNC_CRON: '* * * * * *', SYNC_BATCH_ROWS: '50' });
    let stop = false;
    const writer = (async () => {
      for (let round = 0; !stop; round++) {
        const batch = [];
        for (let i = 0; i < 300; i++) {
          batch.push(
            reading(i % 2 ? 'voltaje' : 'corriente', `C${round % 5}`, 10_000 + round * 300 + i),
          );
        }
        await ingest(suite.dispositivo.url, batch);
      }
    })();
    // staff triggers too, on both, while the cron runs
    const manual: number[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const r = await http(i % 2 ? a.url : b.url, 'POST', '/api/facturacion/sincronizaciones');
        expect(r.status).toBe(202);
        manual.push(r.body.id);
        await new Promise((r) => setTimeout(r, 400));
      }
    } finally {
      // a failed trigger must not leave the writer and the crons running into the next test
      stop = true;
      await writer;
      await Promise.all(manual.map((id) => waitRun(a, id)));
      await a.kill('SIGTERM');
      await b.kill('SIGTERM');
    }
    await syncUntilCaughtUp(suite.facturacion);

    for (const v of ['voltaje', 'corriente']) {
      await expectExact(suite, v);
    }
    // never two runs at once: their [start, end] intervals do not overlap
    const { rows } = await suite.destino.query(
      `SELECT id, instancia, iniciada_en, terminada_en, estado FROM sincronizacion ORDER BY iniciada_en`,
    );
    expect(new Set(rows.map((r) => r.instancia)).size).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].iniciada_en.getTime()).toBeGreaterThanOrEqual(
        rows[i - 1].terminada_en.getTime(),
      );
    }
    expect(rows.filter((r) => r.estado !== 'completada')).toEqual([]);
  });

  it('a staff trigger waits out the hand-over between two runs instead of answering 409', async () => {
    // another instance holds the lock but names no run: what happens between a run's
    // recorded end and its lock's release, or between a lock and its run's row
    const holder = new Client({ connectionString: suite.facturacionDb.url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [SYNC_LOCK_KEY]);
    const releasing = new Promise((r) => setTimeout(r, 1500)).then(() => holder.end());
    const started = await http(suite.facturacion.url, 'POST', '/api/facturacion/sincronizaciones');
    await releasing;
    expect(started.status).toBe(202);
    expect(started.body.nueva).toBe(true);
    expect((await waitRun(suite.facturacion, started.body.id)).estado).toBe('completada');
    // each of those tries borrowed a pooled connection: none may keep a listener on it
    expect(suite.facturacion.errors()).not.toContain('MaxListenersExceededWarning');
  });

  it('pulls a 60,000-reading backlog exactly', async () => {
    await bulkLoad(suite.origen, ['voltaje', 'corriente', 'temperatura'], 30_000);
    const { filas } = await syncUntilCaughtUp(suite.facturacion);
    expect(filas).toEqual({ voltaje: 30_000, corriente: 30_000 });
    for (const v of ['voltaje', 'corriente']) {
      await expectExact(suite, v);
    }
  });
});

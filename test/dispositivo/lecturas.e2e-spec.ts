import { BATCH_MAX_ITEMS } from '@iot/contracts';
import { Client } from 'pg';
import { LecturaWriter } from '../../apps/dispositivo/src/lecturas/lectura-writer';
import { useDispositivo } from '../support/dispositivo';
import { http } from '../support/http';

const lectura = (i: number, over: Record<string, unknown> = {}) => ({
  nombreVariable: 'corriente',
  numeroSerie: 'LOTE1',
  estampaTiempo: 1738324800000 + i * 1000,
  valorVariable: i / 10,
  ...over,
});

describe('batches, concurrency and readback', () => {
  const ctx = useDispositivo();

  const count = async (serie: string): Promise<number> =>
    (await ctx.pg.query('SELECT count(*)::int AS n FROM lectura WHERE numero_serie = $1', [serie]))
      .rows[0].n;
  const batch = (body: unknown, options = {}) =>
    http(ctx.svc.url, 'POST', '/api/dispositivo/lecturas', body, options);

  it('stores the good items of a mixed batch and reports each item', async () => {
    await http(ctx.svc.url, 'POST', '/api/dispositivo/envio', lectura(0, { numeroSerie: 'MIX' }));
    const res = await batch([
      lectura(1, { numeroSerie: 'MIX' }),
      lectura(2, { numeroSerie: 'MIX', valorVariable: 'abc' }),
      lectura(0, { numeroSerie: 'MIX' }), // already stored by /envio
      lectura(0, { numeroSerie: 'MIX', valorVariable: 99 }), // same key, other value
      42,
      lectura(3, { numeroSerie: 'MIX' }),
      lectura(3, { numeroSerie: 'MIX' }), // twice inside the batch
      lectura(4, { numeroSerie: 'MIX', estampaTiempo: 'soon', nombreVariable: '' }),
    ]);
    expect(res.status).toBe(200);
    const estados = res.body.items.map((i: { estado: string }) => i.estado);
    expect(estados).toEqual([
      'stored',
      'rejected',
      'duplicate',
      'conflict',
      'rejected',
      'stored',
      'duplicate',
      'rejected',
    ]);
    expect(res.body).toMatchObject({ stored: 2, duplicate: 2, conflict: 1, rejected: 3 });
    expect(res.body.items[1].errors).toEqual([
      { field: 'valorVariable', reason: expect.stringContaining('finite number') },
    ]);
    expect(res.body.items[4].errors).toEqual([
      { field: '(item)', reason: 'must be a JSON object' },
    ]);
    expect(res.body.items[7].errors.map((e: { field: string }) => e.field)).toEqual([
      'nombreVariable',
      'estampaTiempo',
    ]);
    expect(res.body.items[6].idDispositivo).toBe(res.body.items[5].idDispositivo);
    expect(res.body.items[3]).toEqual({
      indice: 3,
      estado: 'conflict',
      idDispositivo: res.body.items[2].idDispositivo,
      valorAlmacenado: 0,
      valorRecibido: 99,
    });
    expect(await count('MIX')).toBe(3);
  });

  it('writes a batch in one statement and a re-sent batch stores nothing', async () => {
    const items = Array.from({ length: 500 }, (_, i) => lectura(i, { numeroSerie: 'BIG' }));
    const first = await batch(items);
    expect(first.body.stored).toBe(500);
    const again = await batch(items);
    expect(again.body).toMatchObject({ stored: 0, duplicate: 500 });
    expect(again.body.items[10].idDispositivo).toBe(first.body.items[10].idDispositivo);
    expect(await count('BIG')).toBe(500);
  });

  it('answers 413 to a batch over the item limit and stores none of it', async () => {
    const items = Array.from({ length: BATCH_MAX_ITEMS + 1 }, (_, i) =>
      lectura(i, { numeroSerie: 'TOOMANY' }),
    );
    const res = await batch(items);
    expect(res.status).toBe(413);
    expect(res.body.message).toContain(`at most ${BATCH_MAX_ITEMS}`);
    expect(await count('TOOMANY')).toBe(0);
  });

  it('answers 413 to a body over the byte limit', async () => {
    const res = await batch(undefined, { raw: `[${'"x",'.repeat(300_000)}"x"]` });
    expect(res.status).toBe(413);
    expect(res.body.statusCode).toBe(413);
  });

  it('answers 400 to a batch that is not an array', async () => {
    const res = await batch(lectura(1));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: '(body)', reason: 'must be a JSON array of readings' },
    ]);
  });

  it('commits concurrent single POSTs exactly once each', async () => {
    const n = 400;
    // every reading twice at once: one of each pair is stored, the other is its duplicate
    const answers = await Promise.all(
      [...Array(2 * n).keys()].map((k) =>
        http(
          ctx.svc.url,
          'POST',
          '/api/dispositivo/envio',
          lectura(k % n, { numeroSerie: 'CONC' }),
        ),
      ),
    );
    const created = answers.filter((a) => a.status === 201).length;
    const replayed = answers.filter((a) => a.status === 200).length;
    expect([created, replayed]).toEqual([n, n]);
    expect(await count('CONC')).toBe(n);
    expect(new Set(answers.map((a) => a.body.idDispositivo)).size).toBe(n);
  });

  it('answers only after commit; requests arriving meanwhile share one transaction', async () => {
    const writer = ctx.svc.app.get(LecturaWriter, { strict: false });
    const before = writer.stats.transactions;
    const locker = new Client({ connectionString: ctx.db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE lectura IN EXCLUSIVE MODE'); // blocks every INSERT
    let answered = 0;
    const sends = Array.from({ length: 100 }, (_, i) =>
      http(
        ctx.svc.url,
        'POST',
        '/api/dispositivo/envio',
        lectura(i, { numeroSerie: 'GROUP' }),
      ).then((a) => {
        answered++;
        return a;
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(answered).toBe(0);
    expect(await count('GROUP')).toBe(0);
    await locker.query('COMMIT');
    await locker.end();
    const answers = await Promise.all(sends);
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(await count('GROUP')).toBe(100);
    // the blocked transaction, then one for everything that queued behind it
    expect(writer.stats.transactions - before).toBeLessThanOrEqual(3);
  });

  it('pages a device readback with a keyset cursor', async () => {
    const items = Array.from({ length: 25 }, (_, i) =>
      lectura(i, { numeroSerie: 'PAGE', nombreVariable: i % 2 ? 'voltaje' : 'corriente' }),
    );
    await batch(items);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `numeroSerie=PAGE&nombreVariable=Voltaje&limite=5${cursor ? `&despuesDe=${cursor}` : ''}`;
      const res = await http(ctx.svc.url, 'GET', `/api/dispositivo/lecturas?${q}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.lecturas.map((l: { valorVariable: number }) => l.valorVariable));
      cursor = res.body.siguiente;
    } while (cursor);
    expect(seen).toEqual(items.filter((_, i) => i % 2).map((l) => l.valorVariable));

    const window = await http(
      ctx.svc.url,
      'GET',
      `/api/dispositivo/lecturas?numeroSerie=PAGE&desde=${new Date(1738324800000 + 3000).toISOString()}&hasta=${1738324800000 + 6000}`,
    );
    expect(window.body.lecturas.map((l: { valorVariable: number }) => l.valorVariable)).toEqual([
      0.3, 0.4, 0.5,
    ]);
    expect(window.body.siguiente).toBeNull();
  });

  it('pages every variable of a device merged by instant, then id, with none lost or repeated', async () => {
    // three variables at the same instants (ties broken by id), sent in an order unlike either
    const items = [2, 0, 1].flatMap((v) =>
      Array.from({ length: 7 }, (_, i) =>
        lectura(i, {
          numeroSerie: 'MERGE',
          nombreVariable: ['voltaje', 'corriente', 'potencia'][v],
          valorVariable: v * 100 + i,
        }),
      ),
    );
    const stored = await batch(items);
    expect(stored.status).toBe(200);
    const ids = new Map<number, number>(
      stored.body.items.map((it: { idDispositivo: number }, k: number) => [
        items[k].valorVariable,
        it.idDispositivo,
      ]),
    );
    const seen: { t: string; id: number; v: number }[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `numeroSerie=MERGE&limite=4${cursor ? `&despuesDe=${cursor}` : ''}`;
      const res = await http(ctx.svc.url, 'GET', `/api/dispositivo/lecturas?${q}`);
      expect(res.status).toBe(200);
      expect(res.body.lecturas.length).toBeLessThanOrEqual(4);
      seen.push(
        ...res.body.lecturas.map(
          (l: { estampaTiempo: string; idDispositivo: number; valorVariable: number }) => ({
            t: l.estampaTiempo,
            id: l.idDispositivo,
            v: l.valorVariable,
          }),
        ),
      );
      cursor = res.body.siguiente;
    } while (cursor);
    const expected = items
      .map((l) => ({
        t: new Date(l.estampaTiempo).toISOString(),
        id: ids.get(l.valorVariable)!,
        v: l.valorVariable,
      }))
      .sort((a, b) => a.t.localeCompare(b.t) || a.id - b.id);
    expect(seen).toEqual(expected);
  });

  it('rejects a bad readback query naming the field', async () => {
    const res = await http(ctx.svc.url, 'GET', '/api/dispositivo/lecturas?limite=5000&desde=ayer');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'desde',
      'limite',
      'numeroSerie',
    ]);
    const forged = await http(
      ctx.svc.url,
      'GET',
      '/api/dispositivo/lecturas?numeroSerie=PAGE&despuesDe=abc',
    );
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].field).toBe('despuesDe');
  });
});

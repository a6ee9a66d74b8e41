import { Client } from 'pg';
import { TEST_API_KEY, useDispositivo } from '../support/dispositivo';
import { http } from '../support/http';

const reading = (variable: string, serie: string, i: number) => ({
  nombreVariable: variable,
  numeroSerie: serie,
  estampaTiempo: 1738324800000 + i * 1000,
  valorVariable: i,
});

/** Parses an NDJSON export: the readings, the checkpoints and the final line. */
function lines(text: string) {
  const all = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const fin = all.pop();
  const lecturas = all.filter((l) => 'idDispositivo' in l);
  const puntos = all.filter((l) => !('idDispositivo' in l));
  return { lecturas, puntos, fin };
}

describe('dispositivo export to facturacion', () => {
  const ctx = useDispositivo();
  const exportar = async (query: string) => {
    const res = await fetch(`${ctx.svc.url}/api/dispositivo/exportacion?${query}`, {
      headers: { 'x-api-key': TEST_API_KEY },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    return lines(await res.text());
  };

  it('POST /solicitud keeps the original contract: one variable, greater ids, ordered', async () => {
    const batch = [];
    for (let i = 0; i < 30; i++)
      batch.push(reading(i % 3 === 0 ? 'corriente' : 'voltaje', 'SOL', i));
    expect((await http(ctx.svc.url, 'POST', '/api/dispositivo/lecturas', batch)).status).toBe(200);
    const all = await http(ctx.svc.url, 'POST', '/api/dispositivo/solicitud', {
      nombreVariable: 'voltaje',
      findUltimoIdDispositivo: null,
    });
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(20);
    expect(all.body.every((l: any) => l.nombreVariable === 'voltaje')).toBe(true);
    const ids = all.body.map((l: any) => l.idDispositivo);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
    const newer = await http(ctx.svc.url, 'POST', '/api/dispositivo/solicitud', {
      nombreVariable: 'voltaje',
      findUltimoIdDispositivo: ids[9],
    });
    expect(newer.body.map((l: any) => l.idDispositivo)).toEqual(ids.slice(10));
    const bad = await http(ctx.svc.url, 'POST', '/api/dispositivo/solicitud', {
      nombreVariable: 'x;drop',
      findUltimoIdDispositivo: -1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual([
      'findUltimoIdDispositivo',
      'nombreVariable',
    ]);
  });

  it('exports only the asked variables, in pages, each reading exactly once', async () => {
    const batch = [];
    for (let i = 0; i < 900; i++)
      batch.push(reading(['voltaje', 'corriente', 'temperatura'][i % 3], 'EXP', i));
    expect((await http(ctx.svc.url, 'POST', '/api/dispositivo/lecturas', batch)).status).toBe(200);
    const seen: number[] = [];
    let cursor = '';
    for (let round = 0; round < 20; round++) {
      const page = await exportar(
        `variables=voltaje,corriente&limite=250${cursor && `&despuesDe=${cursor}`}`,
      );
      seen.push(
        ...page.lecturas.filter((l) => l.numeroSerie === 'EXP').map((l) => l.idDispositivo),
      );
      expect(page.lecturas.every((l) => ['voltaje', 'corriente'].includes(l.nombreVariable))).toBe(
        true,
      );
      cursor = page.fin.siguiente;
      if (page.fin.completo) break;
    }
    expect(seen).toHaveLength(600);
    expect(new Set(seen).size).toBe(600);
    const again = await exportar(`variables=voltaje,corriente&despuesDe=${cursor}`);
    expect(again.lecturas).toEqual([]);
    expect(again.fin).toEqual({
      siguiente: cursor,
      completo: true,
      enviadas: 0,
      pendientes: 0,
      retrasoSegundos: 0,
    });
  });

  it('puts a checkpoint after every page, and reports the lag of a client behind', async () => {
    for (let from = 0; from < 4500; from += 500) {
      const batch = [];
      for (let i = from; i < from + 500; i++) batch.push(reading('energia', 'CHK', i));
      const res = await http(ctx.svc.url, 'POST', '/api/dispositivo/lecturas', batch);
      expect(res.status).toBe(200);
    }
    const part = await exportar('variables=energia&limite=4100');
    expect(part.lecturas).toHaveLength(4100);
    // pages of 2000: checkpoints after 2000 and 4000, then the 100 and the end line
    expect(part.puntos).toHaveLength(3);
    const rest = await exportar(`variables=energia&despuesDe=${part.puntos[1].siguiente}`);
    const ids = (ls: any[]) => ls.map((l) => l.idDispositivo);
    // resuming from a checkpoint repeats what came after it, nothing before
    expect(ids(rest.lecturas.slice(0, 100))).toEqual(ids(part.lecturas.slice(4000)));
    expect(rest.lecturas).toHaveLength(500);
    expect(part.fin).toMatchObject({ completo: false, enviadas: 4100, pendientes: 400 });
    expect(part.fin.retrasoSegundos).toBeGreaterThanOrEqual(0);
    expect(part.fin.retrasoSegundos).toBeLessThan(120);
    expect(rest.fin).toMatchObject({ completo: true, enviadas: 500, pendientes: 0 });
  });

  it('never skips a reading whose id commits after a higher one', async () => {
    const start = (await exportar('variables=voltaje')).fin.siguiente;
    const slow = new Client({ connectionString: ctx.db.url });
    const fast = new Client({ connectionString: ctx.db.url });
    await slow.connect();
    await fast.connect();
    const insert = `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
      VALUES ($1, 'voltaje', to_timestamp($2), 1) RETURNING id`;
    // a name new to the dictionary, added inside the open transaction, would hold the other insert
    await fast.query(`SELECT dispositivo_id_de('OOO'), variable_id_de('voltaje')`);
    await slow.query('BEGIN');
    const low = (await slow.query(insert, ['OOO', 1])).rows[0].id;
    const high = (await fast.query(insert, ['OOO', 2])).rows[0].id; // autocommitted
    expect(Number(high)).toBeGreaterThan(Number(low));

    const first = await exportar(`variables=voltaje&despuesDe=${start}`);
    // the higher id is committed, but an older transaction is still open: it waits
    expect(first.lecturas.filter((l) => l.numeroSerie === 'OOO')).toEqual([]);

    await slow.query('COMMIT');
    const second = await exportar(`variables=voltaje&despuesDe=${first.fin.siguiente}`);
    const ooo = [...first.lecturas, ...second.lecturas].filter((l) => l.numeroSerie === 'OOO');
    expect(ooo.map((l) => l.idDispositivo).sort()).toEqual([Number(low), Number(high)].sort());
    await slow.end();
    await fast.end();
  });

  it('orders by transaction id as a number, not as text (99 before 100)', async () => {
    // rows as if written by transactions 99 and 100 (both long finished): as text '100' < '99',
    // and a page ordered that way would move the cursor past every row of 99
    const insert = `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable, xid)
      SELECT 'XID' || $1, 'xidtest', to_timestamp(i), i, $1::xid8 FROM generate_series(1, 5) i`;
    await ctx.pg.query(insert, ['100']);
    await ctx.pg.query(insert, ['99']);
    const seen: string[] = [];
    let cursor = '';
    for (let round = 0; round < 10; round++) {
      const page = await exportar(`variables=xidtest&limite=3${cursor && `&despuesDe=${cursor}`}`);
      seen.push(...page.lecturas.map((l) => `${l.numeroSerie}:${l.valorVariable}`));
      cursor = page.fin.siguiente;
      if (page.fin.completo) break;
    }
    expect(seen).toEqual([
      ...[1, 2, 3, 4, 5].map((i) => `XID99:${i}`),
      ...[1, 2, 3, 4, 5].map((i) => `XID100:${i}`),
    ]);
  });

  it.each([
    ['variables=Volt%3Bx', 'variables'],
    ['variables=', 'variables'],
    ['variables=voltaje&despuesDe=OTk5.x', 'despuesDe'],
    ['variables=voltaje&despuesDe=MTg0NDY3NDQwNzM3MDk1NTE2MTYuMQ', 'despuesDe'],
    ['variables=voltaje&limite=100001', 'limite'],
  ])('answers 400 to %s naming %s', async (query, field) => {
    const res = await http(ctx.svc.url, 'GET', `/api/dispositivo/exportacion?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe(field);
  });
});

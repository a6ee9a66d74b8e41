import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { typeOrmOptions } from '@iot/database';
import { useAlmacen } from '../support/almacen';
import { startDispositivo } from '../support/dispositivo';
import { http } from '../support/http';
import { LecturaWriter } from '../../apps/dispositivo/src/lecturas/lectura-writer';
import { CompactacionRepository } from '../../apps/dispositivo/src/almacen/compactacion.repository';
import { migrations } from '../../apps/dispositivo/src/database/migrations';

const MIN = 60_000;
const DIA = 86_400_000;
const W = Date.parse('2025-03-03T00:00:00Z'); // a Monday, far older than the compaction age
const PARTICION = 'lectura_codificada_20250303';

interface Item {
  estado: string;
  idDispositivo: number;
  valorVariable?: number;
}
interface Leida {
  idDispositivo: number;
  estampaTiempo: string;
  valorVariable: number;
  nombreVariable: string;
}

/** Readings of one variable every minute from `desde`, values with two decimals. */
const serie = (numeroSerie: string, nombreVariable: string, desde: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    nombreVariable,
    numeroSerie,
    estampaTiempo: desde + i * MIN,
    valorVariable: Math.round((220 + Math.sin(i / 37) * 9 + (i % 7) * 0.13) * 100) / 100,
  }));

/**
 * Cold readings compacted (issue 19): a week older than COMPACTAR_DIAS that
 * every consumer has exported becomes rows of arrays, still read back,
 * exported and recognised as duplicates; a late reading is kept and
 * compacted on the next run.
 */
describe('reading store compaction', () => {
  const voltaje = serie('CMP-A', 'voltaje', W + 3 * DIA, 2 * 1440 + 30); // Thu 00:00 → Sat 00:30
  const temperatura = serie('CMP-A', 'temperatura', W + 4 * DIA + 1234, 50);

  const f = useAlmacen({
    COMPACTAR_DIAS: '7',
    RETENCION_LOCK_TIMEOUT_MS: '10000',
  });
  const { mantener, exportar } = f;

  /** In batches of at most 1,000 readings (the route's limit). */
  const enviar = async (lecturas: unknown[]) => {
    const items: Item[] = [];
    for (let i = 0; i < lecturas.length; i += 1000) {
      const res = await http(
        f.svc.url,
        'POST',
        '/api/dispositivo/lecturas',
        lecturas.slice(i, i + 1000),
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items);
    }
    return items;
  };
  /** facturacion exports everything, then asks again from where it got: it has kept it all. */
  const ponerseAlDia = async () => {
    let cursor = '';
    for (;;) {
      const { fin } = await exportar(`variables=voltaje&consumidor=facturacion${cursor}`);
      cursor = `&despuesDe=${fin.siguiente}`;
      if (fin.completo && fin.enviadas === 0) return;
    }
  };
  /** Every reading of the device, page by page (a small page crosses days and both stores). */
  const leerTodo = async (query: string, limite = 700) => {
    const todas: Leida[] = [];
    let cursor = '';
    for (;;) {
      const res = await http(
        f.svc.url,
        'GET',
        `/api/dispositivo/lecturas?numeroSerie=CMP-A&limite=${limite}${query}${cursor}`,
      );
      expect(res.status).toBe(200);
      todas.push(...res.body.lecturas);
      if (!res.body.siguiente) return todas;
      cursor = `&despuesDe=${res.body.siguiente}`;
    }
  };
  const hot = async () =>
    (await f.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${PARTICION}`)).rows[0].n;
  const vista = async () =>
    (
      await f.pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM lectura WHERE numero_serie = 'CMP-A'`,
      )
    ).rows[0].n;

  let antes: Leida[];
  let ids: Map<number, number>;

  it('holds a week back until every consumer has exported it, then compacts it', async () => {
    const items = [...(await enviar(voltaje)), ...(await enviar(temperatura))];
    expect(items.every((i) => i.estado === 'stored')).toBe(true);
    ids = new Map([...voltaje, ...temperatura].map((l, i) => [i, items[i].idDispositivo]));
    antes = await leerTodo('');
    expect(antes).toHaveLength(voltaje.length + temperatura.length);

    // facturacion (an expected consumer) has never asked: nothing is compacted
    const retenida = await mantener();
    expect(retenida.compactadas).toEqual([]);
    expect(retenida.retenidas).toEqual([
      { particion: PARTICION, por: [{ consumidor: 'facturacion' }] },
    ]);
    // it exports voltaje, then comes back from where it got: it has kept all of it
    const todo = await exportar('variables=voltaje&consumidor=facturacion');
    expect(todo.lecturas).toHaveLength(voltaje.length);
    await exportar(`variables=voltaje&consumidor=facturacion&despuesDe=${todo.fin.siguiente}`);

    const run = await mantener();
    expect(run.retenidas).toEqual([]);
    expect(run.compactadas).toEqual([
      { particion: PARTICION, lecturas: voltaje.length + temperatura.length },
    ]);
    expect(await hot()).toBe(0);
    // one row per device, variable and day
    const { rows } = await f.pg.query<{ dia: string; n: number }>(
      `SELECT dia::text, sum(cardinality(ids))::int AS n FROM lectura_compacta
       GROUP BY variable_id, dia ORDER BY variable_id, dia`,
    );
    expect(rows).toEqual([
      { dia: '2025-03-06', n: 1440 },
      { dia: '2025-03-07', n: 1440 },
      { dia: '2025-03-08', n: 30 },
      { dia: '2025-03-07', n: 50 },
    ]);
    expect(await vista()).toBe(voltaje.length + temperatura.length);
  });

  it('reads back the compacted week exactly as before, in any page size and range', async () => {
    expect(await leerTodo('')).toEqual(antes);
    expect(await leerTodo('', 97)).toEqual(antes);
    const desde = new Date(W + 4 * DIA + 1200 * MIN).toISOString();
    const hasta = new Date(W + 5 * DIA + 10 * MIN).toISOString();
    const rango = await leerTodo(`&nombreVariable=voltaje&desde=${desde}&hasta=${hasta}`, 50);
    expect(rango).toEqual(
      antes.filter(
        (l) =>
          l.nombreVariable === 'voltaje' && l.estampaTiempo >= desde && l.estampaTiempo < hasta,
      ),
    );
    expect(rango).toHaveLength(240 + 10);
  });

  it('answers a compacted reading sent again as a duplicate or a conflict, never storing it twice', async () => {
    // one reading (the single-statement path) and 400 (COPY, then its fallback)
    const [uno] = await enviar([voltaje[5]]);
    expect(uno).toMatchObject({ estado: 'duplicate', idDispositivo: ids.get(5) });
    const lote = await enviar(voltaje.slice(100, 500));
    expect(
      lote.every((i, k) => i.estado === 'duplicate' && i.idDispositivo === ids.get(100 + k)),
    ).toBe(true);
    const [otro] = await enviar([{ ...voltaje[7], valorVariable: 1 }]);
    expect(otro).toMatchObject({ estado: 'conflict', idDispositivo: ids.get(7) });
    expect(await hot()).toBe(0);
    expect(await vista()).toBe(voltaje.length + temperatura.length);
  });

  it('keeps a late reading of a compacted week and compacts it on the next run', async () => {
    const tarde = { ...voltaje[0], estampaTiempo: W + 6 * DIA + 123 };
    const [item] = await enviar([tarde]);
    expect(item.estado).toBe('stored');
    expect(await hot()).toBe(1);
    // still unexported by facturacion: it waits
    expect((await mantener()).compactadas).toEqual([]);
    await ponerseAlDia();
    expect((await mantener()).compactadas).toEqual([{ particion: PARTICION, lecturas: 1 }]);
    expect(await hot()).toBe(0);
    const [otra] = await enviar([tarde]);
    expect(otra).toMatchObject({ estado: 'duplicate', idDispositivo: item.idDispositivo });
    const todas = await leerTodo('&nombreVariable=voltaje');
    expect(todas.at(-1)).toMatchObject({ idDispositivo: item.idDispositivo });
  });

  it('exports compacted readings to a new consumer first, each once, then the rest', async () => {
    await enviar(serie('CMP-B', 'voltaje', Date.now() - 3600_000, 20)); // this week: not compacted
    const vistas: Leida[] = [];
    let cursor = '';
    for (let i = 0; i < 100; i++) {
      const page = await exportar<Leida>(`variables=voltaje&limite=333${cursor}`);
      vistas.push(...page.lecturas);
      cursor = `&despuesDe=${page.fin.siguiente}`;
      if (page.lecturas.length < 333) break;
    }
    expect(vistas).toHaveLength(voltaje.length + 1 + 20);
    expect(new Set(vistas.map((l) => l.idDispositivo)).size).toBe(vistas.length);
    const compactadas = vistas.slice(0, voltaje.length + 1);
    expect(compactadas.every((l) => l.estampaTiempo < new Date(W + 7 * DIA).toISOString())).toBe(
      true,
    );
    const voltajeAntes = antes.filter((l) => l.nombreVariable === 'voltaje');
    const porId = new Map(compactadas.map((l) => [l.idDispositivo, l]));
    for (const l of voltajeAntes) expect(porId.get(l.idDispositivo)).toEqual(l);
  });

  it('refuses, as a duplicate, a write that raced the compaction of its week', async () => {
    const writer = f.svc.app.get(LecturaWriter);
    const tarde = { ...voltaje[0], estampaTiempo: W + 6 * DIA + 999 };
    const [item] = await enviar([tarde]);
    await ponerseAlDia();
    // the compaction will wait on its bookkeeping row, holding the week's partition
    const bloqueo = new Client({ connectionString: f.db.url });
    await bloqueo.connect();
    let run: ReturnType<typeof mantener>;
    let reenvio: Promise<Item[]>;
    const retries = writer.stats.compactionRetries;
    try {
      await bloqueo.query('BEGIN');
      await bloqueo.query(
        `SELECT * FROM lectura_compactacion WHERE semana = '2025-03-03' FOR UPDATE`,
      );
      run = mantener();
      await esperarBloqueadas(f.pg, 1);
      // sent again now: its statement sees it neither compacted nor (once let in) in the partition
      reenvio = enviar([tarde]);
      await esperarBloqueadas(f.pg, 2);
    } finally {
      await bloqueo.query('COMMIT');
      await bloqueo.end();
    }
    expect((await run).compactadas).toEqual([{ particion: PARTICION, lecturas: 1 }]);
    const [otra] = await reenvio;
    expect(otra).toMatchObject({ estado: 'duplicate', idDispositivo: item.idDispositivo });
    expect(writer.stats.compactionRetries).toBe(retries + 1);
    expect(await hot()).toBe(0);
  });

  it('stores a compacted reading in at most 24 bytes', async () => {
    // a realistic week: 12 devices, 3 variables, one reading a minute, values with 2 decimals
    await f.pg.query(
      `INSERT INTO dispositivo (numero_serie) SELECT 'BYTES-' || d FROM generate_series(1, 12) d`,
    );
    await f.pg.query(`INSERT INTO variable (nombre_variable) VALUES ('corriente'), ('potencia')`);
    await f.pg.query(`SELECT lectura_asegurar_particion('2025-02-24')`);
    await f.pg.query(
      `INSERT INTO lectura_codificada (estampa_tiempo, valor_variable, dispositivo_id, variable_id)
       SELECT $1::timestamptz + m * interval '1 minute',
              round((220 + 9 * sin(m / 37.0 + d.id) + random())::numeric, 2), d.id, v.id
       FROM dispositivo d, variable v, generate_series(0, 7 * 1440 - 1) m
       WHERE d.numero_serie LIKE 'BYTES-%' AND v.nombre_variable IN ('voltaje', 'corriente', 'potencia')
       ORDER BY m, d.id, v.id`,
      [new Date(W - 7 * DIA)],
    );
    await ponerseAlDia();
    const compactadas = (await mantener()).compactadas;
    expect(compactadas).toContainEqual({
      particion: 'lectura_codificada_20250224',
      lecturas: 12 * 3 * 7 * 1440,
    });
    const { bytes, lecturas } = await f.svc.app.get(CompactacionRepository).medir();
    const porLectura = bytes / lecturas;
    expect(porLectura).toBeLessThanOrEqual(24);
  });

  it('moves compacted readings back into their weeks when the migration is undone', async () => {
    const total = await f.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM lectura');
    await f.svc.close();
    const source = new DataSource({
      ...typeOrmOptions(
        { url: f.db.url, poolSize: 1, connectTimeoutMs: 5000, queryTimeoutMs: 60_000 },
        'test-undo',
        migrations,
      ),
      migrationsRun: false,
    });
    await source.initialize();
    // the key's INCLUDE first (the migration after it), then the compaction's own
    for (const name of ['LecturaClaveValor1733529600000', 'LecturaCompacta1733443200000']) {
      const [last] = await source.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`);
      expect(last.name).toBe(name);
      await source.undoLastMigration({ transaction: 'each' });
    }
    const { rows } = await f.pg.query<{ n: number; t: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT (dispositivo_id, variable_id, estampa_tiempo))::int AS t
       FROM lectura_codificada`,
    );
    expect(rows[0]).toEqual({ n: total.rows[0].n, t: total.rows[0].n });
    await source.runMigrations({ transaction: 'each' });
    await source.destroy();
    f.svc = await startDispositivo(f.db.url, { MANTENIMIENTO_ALMACEN_S: '86400' });
    expect(await leerTodo('&nombreVariable=temperatura')).toEqual(
      antes.filter((l) => l.nombreVariable === 'temperatura'),
    );
  });
});

/** Until `n` sessions wait on a lock. */
async function esperarBloqueadas(pg: Client, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${n} sessions waiting on a lock`);
}

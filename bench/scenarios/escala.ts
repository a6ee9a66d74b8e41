import { encodeExportCursor } from '../../apps/dispositivo/src/exportacion/export-cursor';
import type { BenchContext } from '../lib/context';
import { BenchDatabase, freshDatabase } from '../lib/database';
import { batches, startDispositivo } from '../lib/dispositivo-runs';
import { publisher, startMqttStack } from '../lib/mqtt-stack';
import { median, ratio, saveResult } from '../lib/report';
import { bytesDelAlmacen } from '../lib/almacen';

/** The sizes to fill to, in millions of readings (the issue's curve: 10, 50, 100). */
const MILLONES = (process.env.BENCH_ESCALA_MILLONES ?? '10,50,100')
  .split(',')
  .map((x) => Number(x.trim()));
const DEVICES = Number(process.env.BENCH_ESCALA_DISPOSITIVOS ?? 10_000);
const VARIABLES = ['voltaje', 'corriente', 'potencia'];
const CHUNK = 1_000_000; // readings per fill statement (one round trip)
const TRANSACCION = 5_000; // readings per fill transaction: the group commit's GROUP_COMMIT_MAX_ROWS
const MQTT_MESSAGES = 30_000;
/** Runs per measure at each size; the median is reported. */
const RONDAS = 3;
const READBACKS = 200;

/**
 * Readings [desde, hasta) of a fleet: DEVICES devices x 3 variables, one a
 * minute from 2025-01-01, device d at second d % 60 of its minute, written in
 * time order, with 1 % arriving ~10 minutes late (a half-second stamp: never
 * a key of the regular ones). One transaction per TRANSACCION readings, as
 * the group commit leaves a steady stream of batches (the export pages in
 * (xid, id) order, and a transaction is the unit its index sorts within).
 */
async function llenar(db: BenchDatabase, desde: number, hasta: number): Promise<number> {
  const t0 = Date.now();
  // the fleet's names get ids 1..DEVICES and 1..3, as the app's dictionary would give them
  await db.query(
    `INSERT INTO dispositivo (numero_serie)
     SELECT 'DEV' || lpad(k::text, 5, '0') FROM generate_series(0, $1::int - 1) k
     ON CONFLICT DO NOTHING`,
    [DEVICES],
  );
  await db.query(
    `INSERT INTO variable (nombre_variable) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`,
    [VARIABLES],
  );
  const [ids] = await db.query<{ d: number; v: number }>(
    `SELECT (SELECT min(id) FROM dispositivo WHERE numero_serie LIKE 'DEV%') AS d,
            (SELECT min(id) FROM variable WHERE nombre_variable = ANY($1)) AS v`,
    [VARIABLES],
  );
  // the weeks the fill reaches, as the app's upkeep would have created them ahead
  await db.query(
    `SELECT lectura_asegurar_particion(lectura_semana(t))
     FROM generate_series(timestamptz '2025-01-01Z' - interval '7 days',
                          timestamptz '2025-01-01Z' + $1::bigint / ($2::int * 3) * interval '1 minute',
                          interval '7 days') t`,
    [hasta, DEVICES],
  );
  for (let a = desde; a < hasta; a += CHUNK) {
    const b = Math.min(hasta, a + CHUNK);
    // a DO block may COMMIT between its statements; the numbers are ours, written in
    await db.query(
      `DO $$ BEGIN
         FOR t IN 0..${Math.ceil((b - a) / TRANSACCION) - 1} LOOP
           INSERT INTO lectura_codificada (dispositivo_id, variable_id, estampa_tiempo, valor_variable)
           SELECT ${ids.d} + k % ${DEVICES}, ${ids.v} + k / ${DEVICES},
                  timestamptz '2025-01-01Z' + m * interval '1 minute' + (k % ${DEVICES} % 60) * interval '1 second'
                    - CASE WHEN hashint8(i) % 100 = 0 THEN interval '599.5 seconds' ELSE interval '0' END,
                  220 + (i % 97) / 10.0
           FROM (SELECT i, i / (${DEVICES} * 3) AS m, i % (${DEVICES} * 3) AS k
                 FROM generate_series(${a} + t * ${TRANSACCION}::bigint,
                                      least(${b}, ${a} + (t + 1) * ${TRANSACCION}::bigint) - 1) i) x;
           COMMIT;
         END LOOP;
       END $$`,
    );
    const s = (Date.now() - t0) / 1000;
    process.stdout.write(
      `  filled ${(b / 1e6).toFixed(0)}M readings (${Math.round((b - desde) / s)} readings/s)\n`,
    );
  }
  await db.query('VACUUM ANALYZE lectura_codificada'); // as autovacuum would have, after a steady stream
  return (Date.now() - t0) / 1000;
}

/** The export cursor at the end of what the table holds now (null: empty). */
async function cursorFinal(db: BenchDatabase): Promise<string | undefined> {
  const rows = await db.query<{ xid: string; id: string }>(
    `SELECT xid::text AS xid, id::text AS id FROM lectura_codificada ORDER BY xid DESC, id DESC LIMIT 1`,
  );
  return rows[0] ? encodeExportCursor({ xid: rows[0].xid, id: Number(rows[0].id) }) : undefined;
}

/** Pages through the export from `cursor` as facturacion does; readings/s until `total` are read. */
async function exportar(url: string, apiKey: string, cursor: string | undefined, total: number) {
  const t0 = performance.now();
  let leidas = 0;
  let despues = cursor;
  while (leidas < total) {
    const q = new URLSearchParams({ variables: 'voltaje,corriente', limite: '100000' });
    if (despues) q.set('despuesDe', despues);
    const res = await fetch(`${url}/api/dispositivo/exportacion?${q.toString()}`, {
      headers: { 'x-api-key': apiKey },
    });
    if (res.status !== 200) throw new Error(`export: ${res.status} ${await res.text()}`);
    const lineas = (await res.text()).trim().split('\n');
    const fin = JSON.parse(lineas.at(-1)!) as { siguiente: string; completo: boolean };
    leidas += lineas.filter((l) => l.includes('"idDispositivo"')).length;
    despues = fin.siguiente;
    if (fin.completo) break;
  }
  if (leidas < total) throw new Error(`export: ${leidas} of ${total} readings`);
  return leidas / ((performance.now() - t0) / 1000);
}

/** One device's first page, READBACKS times: p50 and p99 in ms. */
async function releer(url: string, apiKey: string, serie: (i: number) => string) {
  const ms: number[] = [];
  for (let i = 0; i < READBACKS; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/dispositivo/lecturas?numeroSerie=${serie(i)}&limite=1000`, {
      headers: { 'x-api-key': apiKey },
    });
    const body = (await res.json()) as { lecturas?: unknown[] };
    if (res.status !== 200 || !body.lecturas?.length) throw new Error(`readback: ${res.status}`);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length / 2)], p99: ms[Math.floor(ms.length * 0.99)] };
}

/**
 * MQTT, one reading a message, into this table: readings/s until all are
 * committed. Progress is counted through the publisher's devices (the key
 * index): a count by id reads the BRIN index of the whole table, a cost that
 * grew with the size and was charged to the rate (0.86 at 100 M).
 */
async function mqtt(ctx: BenchContext, db: BenchDatabase, prefijo: string): Promise<number> {
  const stack = await startMqttStack(ctx, db);
  try {
    const t0 = Date.now();
    const pub = publisher(stack.url, MQTT_MESSAGES, 1, prefijo);
    for (let n = 0; n < MQTT_MESSAGES;) {
      if (Date.now() - t0 > 300_000) throw new Error(`mqtt: ${n} of ${MQTT_MESSAGES} committed`);
      await new Promise((r) => setTimeout(r, 100));
      [{ n }] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM lectura_codificada l
         JOIN dispositivo d ON d.id = l.dispositivo_id
         WHERE d.numero_serie LIKE $1 || '%'`,
        [prefijo],
      );
    }
    const s = (Date.now() - t0) / 1000;
    await pub.output;
    return MQTT_MESSAGES / s;
  } finally {
    await stack.dispose();
  }
}

/** The median of RONDAS runs: one 30,000-message run swings ±25 % on this machine. */
async function mqttMediana(ctx: BenchContext, db: BenchDatabase, prefijo: string) {
  const tasas: number[] = [];
  for (let i = 0; i < RONDAS; i++) tasas.push(await mqtt(ctx, db, `${prefijo}${i}-`));
  return { tasa: median(tasas), tasas };
}

interface Punto {
  lecturas: number;
  bytesPorLectura: number;
  httpPorS: number;
  mqttPorS: number;
  mqttRondas: number[];
  httpRondas: number[];
  exportRondas: number[];
  lecturaP50Ms: number;
  lecturaP99Ms: number;
  exportPorS: number;
  llenadoS?: number;
  llenadoPorS?: number;
}

/** Every measure at the table's current size (`lecturas` in it before the measures add theirs). */
async function medir(ctx: BenchContext, db: BenchDatabase, lecturas: number, etiqueta: string) {
  const antes = await cursorFinal(db);
  // each measure's median of RONDAS runs: one 5-second run swings ±10 % here
  const https = [];
  for (let i = 0; i < RONDAS; i++) {
    https.push(await batches(ctx, true, { db, prefijo: `h${etiqueta}-${i}` }));
  }
  const httpTasas = https.map((h) => h.stored / h.load.durationS);
  const stored = https.reduce((n, h) => n + h.stored, 0);
  // as autovacuum would soon: the empty table's first statistics come from these rows
  await db.query('ANALYZE lectura_codificada');
  const { child, url } = await startDispositivo(ctx, db, false);
  const exportTasas: number[] = [];
  let lectura: { p50: number; p99: number };
  try {
    for (let i = 0; i < RONDAS; i++) {
      exportTasas.push(await exportar(url, ctx.apiKey, antes, stored));
    }
    // the fleet's devices once filled; the first HTTP run's own (h<size>-0-0..99) in the empty table
    const serie = (i: number) =>
      lecturas > 0
        ? `DEV${String((i * 7919) % DEVICES).padStart(5, '0')}`
        : `h${etiqueta}-0-${i % 100}`;
    lectura = await releer(url, ctx.apiKey, serie);
  } finally {
    await child.stop();
  }
  const { tasa: mqttPorS, tasas } = await mqttMediana(ctx, db, `m${etiqueta}-`);
  const añadidas = stored + RONDAS * MQTT_MESSAGES;
  // table + indexes + TOAST over every row, the measures' own included
  const b = await bytesDelAlmacen(db);
  const punto: Punto = {
    lecturas: lecturas + añadidas,
    bytesPorLectura: Math.round(Number(b) / (lecturas + añadidas)),
    httpPorS: Math.round(median(httpTasas)),
    httpRondas: httpTasas.map(Math.round),
    mqttPorS: Math.round(mqttPorS),
    mqttRondas: tasas.map(Math.round),
    lecturaP50Ms: Math.round(lectura.p50 * 10) / 10,
    lecturaP99Ms: Math.round(lectura.p99 * 10) / 10,
    exportPorS: Math.round(median(exportTasas)),
    exportRondas: exportTasas.map(Math.round),
  };
  return { punto, añadidas };
}

/**
 * dispositivo's reading store at size: filled to each of MILLONES (millions
 * of readings) and measured there against the same measures on the empty
 * table, in one run: HTTP batch ingestion, MQTT 1/message, one device's
 * readback page (p50/p99), the export facturacion pulls, bytes per reading.
 */
export async function escala(ctx: BenchContext): Promise<void> {
  const db = await freshDatabase(ctx.serverUrl, true);
  const puntos: Punto[] = [];
  try {
    process.stdout.write(`scale: the empty table\n`);
    const vacia = await medir(ctx, db, 0, '0');
    puntos.push(vacia.punto);
    let llenas = 0;
    let extra = vacia.añadidas;
    for (const m of MILLONES) {
      const hasta = m * 1_000_000;
      process.stdout.write(`scale: filling to ${m}M readings\n`);
      const llenadoS = await llenar(db, llenas, hasta);
      const { punto, añadidas } = await medir(ctx, db, hasta + extra, String(m));
      punto.llenadoS = Math.round(llenadoS);
      punto.llenadoPorS = Math.round((hasta - llenas) / llenadoS);
      puntos.push(punto);
      llenas = hasta;
      extra += añadidas;
      process.stdout.write(`${JSON.stringify(punto)}\n`);
    }
  } finally {
    await db.drop();
  }
  const [v] = puntos;
  const filas = puntos.map(
    (p) =>
      `| ${p.llenadoS === undefined ? `empty (${p.lecturas})` : `${(p.lecturas / 1e6).toFixed(1)}M`} | ${p.bytesPorLectura} | ${p.httpPorS} (${ratio(p.httpPorS, v.httpPorS)}) | ${p.mqttPorS} (${ratio(p.mqttPorS, v.mqttPorS)}) | ${p.lecturaP50Ms} / ${p.lecturaP99Ms} (${ratio(p.lecturaP99Ms, v.lecturaP99Ms)}) | ${p.exportPorS} (${ratio(p.exportPorS, v.exportPorS)}) | ${p.llenadoS ?? ''} |`,
  );
  process.stdout.write(
    `\nreading store at size (${DEVICES} devices x 3 variables, one a minute; ratio to the empty table)\n` +
      `| readings | bytes/reading | HTTP batches readings/s | MQTT 1/msg readings/s | readback page p50 / p99 ms | export readings/s | fill s |\n` +
      `|---|---:|---:|---:|---:|---:|---:|\n${filas.join('\n')}\n` +
      `targets at 100M: HTTP and MQTT >= 0.9 of empty, readback p99 < 2 x empty, export >= 0.9 of empty\n`,
  );
  process.stdout.write(`written to ${saveResult('escala', { dispositivos: DEVICES, puntos })}\n`);
}

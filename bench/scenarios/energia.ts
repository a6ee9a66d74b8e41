import { Client } from 'pg';
import { migrations as facturacionMigrations } from '../../apps/facturacion/src/database/migrations';
import {
  crearTablaVariableSql,
  tablaVariable,
} from '../../apps/facturacion/src/variables/tabla-variable';
import type { BenchContext } from '../lib/context';
import { BenchDatabase, freshDatabase } from '../lib/database';
import { startFacturacion } from '../lib/facturacion';
import { median, ratio, saveResult } from '../lib/report';

// 30 devices: a round still takes well under a minute, and the recomputation's fixed latency
// (lock, marks, a transaction: ~10 ms) weighs against a full computation of a fleet, not of 10
const DEVICES = Number(process.env.BENCH_ENERGIA_DEVICES ?? 30);
if (DEVICES % 10 !== 0)
  throw new Error('BENCH_ENERGIA_DEVICES: a multiple of 10 (1 % arrives late)');
const DAYS = 30;
const PER_DAY = 1440; // V and I every minute
const VARIABLES = ['voltaje', 'corriente'];
// 1 % of the readings arrive late: one device in 10 (E000, E010, …) was offline for 3 of its 30 days
const LATE = `(i % ${DEVICES} % 10 = 0 AND (i / ${DEVICES}) / ${PER_DAY} BETWEEN 10 AND 12)`;
const LATE_DEVICE_DAYS = (DEVICES / 10) * 3;

/**
 * DEVICES devices x 30 days of V and I every minute, straight into
 * facturacion's tables; `late`: only the readings held back (the backfill).
 */
async function load(db: BenchDatabase, late = false): Promise<number> {
  for (const v of VARIABLES) {
    if (!late) {
      for (const sql of crearTablaVariableSql(v)) await db.query(sql);
      await db.query(`INSERT INTO variable_facturada (nombre) VALUES ($1)`, [v]);
    }
    await db.query(
      `INSERT INTO ${tablaVariable(v)} (id_dispositivo, numero_serie, estampa_tiempo, valor_variable)
       SELECT i, 'E' || lpad((i % ${DEVICES})::text, 3, '0'),
              timestamptz '2026-01-01' + (i / ${DEVICES}) * interval '1 minute',
              ${v === 'voltaje' ? '225 + (i % 11)' : '5 + (i % 7) / 2.0'}
       FROM generate_series(0, ${DEVICES * DAYS * PER_DAY - 1}) i WHERE ${late ? '' : 'NOT '}${LATE}
`,
    );
    // as autovacuum leaves an insert-only table (visibility map set): the baseline's scan and
    // the energy job's index-only reads both see the table at rest
    await db.query(`VACUUM ANALYZE ${tablaVariable(v)}`);
  }
  return late
    ? LATE_DEVICE_DAYS * PER_DAY * VARIABLES.length
    : DEVICES * DAYS * PER_DAY * VARIABLES.length;
}

/** The baseline: one SQL aggregate reading the same rows, by device and 15-minute bucket (connection not timed). */
async function aggregate(db: BenchDatabase): Promise<number> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const t0 = performance.now();
    await client.query(
      `SELECT numero_serie, date_bin('15 minutes', estampa_tiempo, TIMESTAMPTZ '2000-01-01Z') AS b,
              sum(valor_variable)
       FROM (SELECT numero_serie, estampa_tiempo, valor_variable FROM variables.voltaje
             UNION ALL SELECT numero_serie, estampa_tiempo, valor_variable FROM variables.corriente) x
       GROUP BY 1, 2`,
    );
    return (performance.now() - t0) / 1000;
  } finally {
    await client.end();
  }
}

const markAll = (db: BenchDatabase) =>
  db.query(
    `INSERT INTO energia_pendiente (numero_serie, dia)
     SELECT DISTINCT numero_serie, (estampa_tiempo AT TIME ZONE 'UTC')::date FROM variables.voltaje
`,
  );

/** The held-back readings arrive, with the marks the sync writes for them. */
async function arriveLate(db: BenchDatabase): Promise<number> {
  const rows = await load(db, true);
  await db.query(
    `INSERT INTO energia_pendiente (numero_serie, dia)
     SELECT DISTINCT numero_serie, (estampa_tiempo AT TIME ZONE 'UTC')::date FROM variables.voltaje
     WHERE right(numero_serie, 1) = '0' AND estampa_tiempo >= timestamptz '2026-01-11' AND estampa_tiempo < timestamptz '2026-01-14'`,
  );
  return rows;
}

async function calcular(url: string, apiKey: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/facturacion/energia/calculos`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey },
  });
  if (res.status !== 200) throw new Error(`energy job: ${res.status} ${await res.text()}`);
  return (performance.now() - t0) / 1000;
}

interface Round {
  rows: number;
  aggregateS: number;
  fullS: number;
  aggregateColdS: number;
  fullColdS: number;
  lateRows: number;
  incrementalS: number;
  rssMb: number;
  intervals: number;
}

/** The energy job's output, so the next full computation starts from the same state. */
const forget = (db: BenchDatabase) =>
  db.query(`TRUNCATE energia_intervalo, energia_dia, contador_reinicio`);

async function round(ctx: BenchContext): Promise<Round> {
  const db = await freshDatabase(ctx.serverUrl, facturacionMigrations);
  try {
    const rows = await load(db);
    const { child, url } = await startFacturacion(ctx, db.url);
    try {
      // the first run of a fresh process (JIT, connections, caches cold), then the same work
      // again as a long-running service does it; each next to its own baseline (noisy machine)
      const aggregateColdS = await aggregate(db);
      await markAll(db);
      const fullColdS = await calcular(url, ctx.apiKey);
      await forget(db);
      const aggregateS = await aggregate(db);
      await markAll(db);
      const fullS = await calcular(url, ctx.apiKey);
      const lateRows = await arriveLate(db);
      const incrementalS = await calcular(url, ctx.apiKey);
      const [{ n }] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM energia_intervalo WHERE calidad = 'real'`,
      );
      return {
        rows,
        aggregateS,
        fullS,
        aggregateColdS,
        fullColdS,
        lateRows,
        incrementalS,
        rssMb: Math.round(child.peakRss() / 1024 / 1024),
        intervals: n,
      };
    } finally {
      await child.stop();
    }
  } finally {
    await db.drop();
  }
}

/**
 * Energy for DEVICES devices x 30 days of V and I every minute: the full
 * computation and the recomputation after 1 % of readings arrive late,
 * against one SQL aggregate over the same rows (same round, same machine).
 */
export async function energiaBench(ctx: BenchContext): Promise<void> {
  const rounds: Round[] = [];
  for (let r = 0; r < ctx.rounds; r++) {
    rounds.push(await round(ctx));
    process.stdout.write(`round ${r + 1}/${ctx.rounds} done\n`);
  }
  const m = (f: (r: Round) => number): number => median(rounds.map(f));
  const rows = rounds[0].rows;
  const result = {
    devices: DEVICES,
    days: DAYS,
    readings: rows,
    lateReadings: rounds[0].lateRows,
    realIntervals: rounds[0].intervals,
    aggregateS: m((r) => r.aggregateS),
    fullS: m((r) => r.fullS),
    incrementalS: m((r) => r.incrementalS),
    fullVsAggregate: ratio(
      m((r) => r.aggregateS / r.fullS),
      1,
    ),
    aggregateColdS: m((r) => r.aggregateColdS),
    fullColdS: m((r) => r.fullColdS),
    fullColdVsAggregate: ratio(
      m((r) => r.aggregateColdS / r.fullColdS),
      1,
    ),
    incrementalVsFull: ratio(
      m((r) => r.incrementalS / r.fullS),
      1,
    ),
    microsPerReading: Math.round((m((r) => r.fullS) / rows) * 1e6 * 100) / 100,
    peakRssMb: Math.max(...rounds.map((r) => r.rssMb)),
    perRound: rounds,
  };
  process.stdout.write(
    `\nenergy for ${DEVICES} devices x ${DAYS} days of V and I every minute (${rows} readings), median of ${rounds.length} rounds\n` +
      `| run | seconds | readings/s |\n|---|---:|---:|\n` +
      `| baseline: one SQL aggregate by device and 15-minute bucket | ${result.aggregateS.toFixed(2)} | ${Math.round(rows / result.aggregateS)} |\n` +
      `| full computation, first run of the process (every day marked) | ${result.fullColdS.toFixed(2)} | ${Math.round(rows / result.fullColdS)} |\n` +
      `| full computation, the same again (energy job, every day marked) | ${result.fullS.toFixed(2)} | ${Math.round(rows / result.fullS)} |\n` +
      `| recomputation after 1 % of readings arrived late (${result.lateReadings}: ${LATE_DEVICE_DAYS / 3} devices, 3 days each) | ${result.incrementalS.toFixed(3)} | |\n` +
      `full / baseline = ${result.fullVsAggregate} (target >= 0.5; first run of the process: ${result.fullColdVsAggregate}); incremental / full = ${result.incrementalVsFull} (target <= 0.05); ` +
      `${result.microsPerReading} µs per reading; peak RSS ${result.peakRssMb} MB (target < 300)\n`,
  );
  process.stdout.write(`written to ${saveResult('energia', result)}\n`);
}

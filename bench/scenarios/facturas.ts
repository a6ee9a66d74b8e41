import { migrations as facturacionMigrations } from '../../apps/facturacion/src/database/migrations';
import { tarifaEjemplo } from '../../test/support/tarifa-ejemplo';
import type { BenchContext } from '../lib/context';
import { BenchDatabase, freshDatabase } from '../lib/database';
import { startFacturacion } from '../lib/facturacion';
import { median, saveResult } from '../lib/report';

const CUENTAS = Number(process.env.BENCH_FACTURAS_CUENTAS ?? 1000);
const A_LA_VEZ = 4;
const ZONA = 'America/Bogota';
// March 2026 in Bogotá (UTC-5, no DST): 2,976 quarter-hours
const DESDE = '2026-03-01T05:00:00Z';
const HASTA = '2026-04-01T05:00:00Z';

/** CUENTAS accounts, one device each, a month of 15-minute intervals, the worked example's tariff. */
async function load(db: BenchDatabase): Promise<number> {
  await db.query(`INSERT INTO tarifa (nombre) VALUES ('TOU')`);
  await db.query(
    `INSERT INTO tarifa_version (tarifa_id, desde, definicion) VALUES (1, '2026-01-01', $1)`,
    [JSON.stringify(tarifaEjemplo())],
  );
  await db.query(
    `INSERT INTO cuenta (nombre, zona, moneda, decimales)
     SELECT 'Cuenta ' || i, $2, 'COP', 2 FROM generate_series(1, $1) i`,
    [CUENTAS, ZONA],
  );
  await db.query(
    `INSERT INTO cuenta_dispositivo (numero_serie, cuenta_id, desde)
     SELECT 'B' || lpad(id::text, 6, '0'), id, '2026-01-01Z' FROM cuenta`,
  );
  await db.query(
    `INSERT INTO cuenta_tarifa (cuenta_id, tarifa_id, desde) SELECT id, 1, '2026-01-01' FROM cuenta`,
  );
  await db.query(
    `INSERT INTO energia_intervalo (numero_serie, inicio, fin, energia, unidad, fuente, cobertura, calidad)
     SELECT d.numero_serie, t, t + interval '15 minutes', (0.1 + (extract(epoch FROM t)::bigint / 900 % 7) / 10.0)::numeric(12,9),
            'kWh', 'contador', 1, 'real'
     FROM cuenta_dispositivo d, generate_series($1::timestamptz, $2::timestamptz - interval '15 minutes', interval '15 minutes') t`,
    [DESDE, HASTA],
  );
  await db.query(`VACUUM ANALYZE energia_intervalo`);
  const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM energia_intervalo`);
  return n;
}

/** The baseline: one query summing the same intervals per account and TOU period (18:00-21:59 weekdays). */
async function baseline(db: BenchDatabase): Promise<number> {
  const t0 = performance.now();
  await db.query(
    `SELECT d.cuenta_id,
            (extract(isodow FROM e.inicio AT TIME ZONE $3) < 6
             AND extract(hour FROM e.inicio AT TIME ZONE $3) BETWEEN 18 AND 21) AS punta,
            sum(e.energia)
     FROM energia_intervalo e JOIN cuenta_dispositivo d USING (numero_serie)
     WHERE e.inicio >= $1 AND e.inicio < $2 GROUP BY 1, 2`,
    [DESDE, HASTA, ZONA],
  );
  return (performance.now() - t0) / 1000;
}

/** Runs `f` over 1..CUENTAS, A_LA_VEZ at a time; the seconds it took. */
async function todas(f: (id: number) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  let siguiente = 1;
  await Promise.all(
    Array.from({ length: A_LA_VEZ }, async () => {
      for (let id = siguiente++; id <= CUENTAS; id = siguiente++) await f(id);
    }),
  );
  return (performance.now() - t0) / 1000;
}

interface Round {
  intervalos: number;
  baselineS: number;
  borradoresS: number;
  finalesS: number;
  rssMb: number;
  /** Peak RSS up to the end of the drafts. */
  rssBorradoresMb: number;
  numeros: string;
}

async function round(ctx: BenchContext): Promise<Round> {
  const db = await freshDatabase(ctx.serverUrl, facturacionMigrations);
  try {
    const intervalos = await load(db);
    const baselineS = await baseline(db);
    const facturacion = await startFacturacion(ctx, db.url);
    const { child } = facturacion;
    const url = `${facturacion.url}/api/facturacion`;
    const post = async (path: string, body: object) => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'x-api-key': ctx.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; calculadaEn: string; total: string };
    };
    try {
      const borradores = new Map<number, { id: string; calculadaEn: string }>();
      const borradoresS = await todas(async (id) => {
        borradores.set(id, await post(`/cuentas/${id}/facturas`, { periodo: '2026-03' }));
      });
      const rssBorradoresMb = Math.round(child.peakRss() / 1024 / 1024);
      const finalesS = await todas(async (id) => {
        const b = borradores.get(id)!;
        await post(`/facturas/${b.id}/finalizar`, { confirmacion: b.calculadaEn });
      });
      const [check] = await db.query<{ n: number; min: string; max: string; distintos: number }>(
        `SELECT count(*)::int AS n, min(numero)::text AS min, max(numero)::text AS max,
                count(DISTINCT numero)::int AS distintos FROM factura WHERE estado = 'final'`,
      );
      const numeros =
        check.n === CUENTAS &&
        check.distintos === CUENTAS &&
        check.min === '1' &&
        check.max === String(CUENTAS)
          ? `1..${CUENTAS}, no gap, no duplicate`
          : `WRONG: ${JSON.stringify(check)}`;
      return {
        intervalos,
        baselineS,
        borradoresS,
        finalesS,
        rssMb: Math.round(child.peakRss() / 1024 / 1024),
        rssBorradoresMb,
        numeros,
      };
    } finally {
      await child.stop();
    }
  } finally {
    await db.drop();
  }
}

/**
 * Draft statements for CUENTAS accounts x a month of 15-minute intervals (one
 * device each), then their finalisation, against one SQL query summing the
 * same intervals per account and TOU period (same round).
 */
export async function facturasBench(ctx: BenchContext): Promise<void> {
  const rounds: Round[] = [];
  for (let r = 0; r < ctx.rounds; r++) {
    rounds.push(await round(ctx));
    process.stdout.write(`round ${r + 1}/${ctx.rounds} done\n`);
  }
  const m = (f: (r: Round) => number): number => median(rounds.map(f));
  const result = {
    cuentas: CUENTAS,
    intervalos: rounds[0].intervalos,
    baselineS: m((r) => r.baselineS),
    borradoresS: m((r) => r.borradoresS),
    finalesS: m((r) => r.finalesS),
    baselineVsBorradores: Math.round(m((r) => r.baselineS / r.borradoresS) * 1000) / 1000,
    msPorCuenta: Math.round((m((r) => r.borradoresS) / CUENTAS) * 1000 * 100) / 100,
    extrapolado10000S: Math.round((m((r) => r.borradoresS) / CUENTAS) * 10_000),
    peakRssMb: Math.max(...rounds.map((r) => r.rssMb)),
    numeros: rounds.map((r) => r.numeros),
    perRound: rounds,
  };
  process.stdout.write(
    `\nstatements for ${CUENTAS} accounts x March 2026 of 15-minute intervals (${result.intervalos} intervals), median of ${rounds.length} rounds\n` +
      `| run | seconds |\n|---|---:|\n` +
      `| baseline: one SQL sum per account and TOU period | ${result.baselineS.toFixed(2)} |\n` +
      `| drafts (${A_LA_VEZ} requests at once) | ${result.borradoresS.toFixed(2)} |\n` +
      `| finalisation | ${result.finalesS.toFixed(2)} |\n` +
      `baseline / drafts = ${result.baselineVsBorradores}; ${result.msPorCuenta} ms per account; 10,000 accounts ~ ${result.extrapolado10000S} s (target < 60); ` +
      `peak RSS ${result.peakRssMb} MB (target < 300); numbers: ${result.numeros.join('; ')}\n`,
  );
  process.stdout.write(`written to ${saveResult('facturas', result)}\n`);
}

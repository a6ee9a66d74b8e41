import type { BenchContext } from '../lib/context';
import { freshDatabase } from '../lib/database';
import { startDispositivo } from '../lib/dispositivo-runs';
import { median, ratio, saveResult } from '../lib/report';

const MINUTOS = 525_600; // a year of one-minute readings
const DISPOSITIVOS = 5; // the plotted one and four others in the same weeks
const PUNTOS = 1000;
const VECES = 60;
const DESDE = '2025-01-01T00:00:00Z';
const HASTA = '2026-01-01T00:00:00Z';

const percentil = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};

async function tiempos(veces: number, una: () => Promise<void>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < veces; i++) {
    const t0 = performance.now();
    await una();
    ms.push(performance.now() - t0);
  }
  return ms;
}

/**
 * The console's downsampled series (issue 20): a year of one-minute readings
 * of one device's variable (525,600 rows, among 4 other devices' in the same
 * weekly partitions) at 1,000 points through `GET /api/dispositivo/grafica`,
 * against one SQL `min/max GROUP BY` bucket query over the same rows, run
 * from the bench in the same round. Latency over 60 calls each, sequential.
 */
export async function graficaBench(ctx: BenchContext): Promise<void> {
  const db = await freshDatabase(ctx.serverUrl, true);
  try {
    await db.query(
      `SELECT lectura_asegurar_particion(lectura_semana(t))
      FROM generate_series($1::timestamptz, $2::timestamptz, interval '7 days') t`,
      [DESDE, HASTA],
    );
    await db.query(`INSERT INTO dispositivo (numero_serie)
      SELECT 'GRAF-' || d FROM generate_series(1, ${DISPOSITIVOS}) d`);
    await db.query(`INSERT INTO variable (nombre_variable) VALUES ('voltaje')`);
    // in time order, devices interleaved, as they arrive
    await db.query(
      `INSERT INTO lectura_codificada (estampa_tiempo, valor_variable, dispositivo_id, variable_id)
       SELECT $1::timestamptz + m * interval '1 minute', 220 + 5 * sin(m / 5000.0 + d.id) + random(),
              d.id, (SELECT id FROM variable)
       FROM generate_series(0, ${MINUTOS - 1}) m, dispositivo d ORDER BY m, d.id`,
      [DESDE],
    );
    await db.query('VACUUM ANALYZE lectura_codificada');
    const [{ id }] = await db.query<{ id: number }>(
      `SELECT id FROM dispositivo WHERE numero_serie = 'GRAF-1'`,
    );
    const anchoMs = Math.ceil((Date.parse(HASTA) - Date.parse(DESDE)) / Math.floor(PUNTOS / 4));
    const { child, url } = await startDispositivo(ctx, db, false);
    const rondas: { base: number[]; ruta: number[]; puntos: number }[] = [];
    try {
      for (let r = 0; r < ctx.rounds; r++) {
        const base = await tiempos(VECES, async () => {
          await db.query(
            `SELECT floor((date_part('epoch', estampa_tiempo) * 1000 - $4) / $5) AS b,
                    min(valor_variable), max(valor_variable)
             FROM lectura_codificada
             WHERE dispositivo_id = $1 AND variable_id = (SELECT id FROM variable)
               AND estampa_tiempo >= $2 AND estampa_tiempo < $3
             GROUP BY 1 ORDER BY 1`,
            [id, DESDE, HASTA, Date.parse(DESDE), anchoMs],
          );
        });
        let puntos = 0;
        const ruta = await tiempos(VECES, async () => {
          const res = await fetch(
            `${url}/api/dispositivo/grafica?numeroSerie=GRAF-1&nombreVariable=voltaje&desde=${DESDE}&hasta=${HASTA}&puntos=${PUNTOS}`,
            { headers: { 'x-api-key': ctx.apiKey } },
          );
          const body = (await res.json()) as { t: number[]; lecturas: number };
          if (res.status !== 200 || body.lecturas !== MINUTOS) {
            throw new Error(`grafica: ${res.status}, ${body.lecturas} readings`);
          }
          puntos = body.t.length;
        });
        rondas.push({ base, ruta, puntos });
        process.stdout.write(`round ${r + 1}/${ctx.rounds} done\n`);
      }
    } finally {
      await child.stop();
    }
    const p = (k: 'base' | 'ruta', q: number) => median(rondas.map((x) => percentil(x[k], q)));
    const fila = {
      baseP50: p('base', 0.5),
      baseP99: p('base', 0.99),
      rutaP50: p('ruta', 0.5),
      rutaP99: p('ruta', 0.99),
      puntos: rondas[0].puntos,
    };
    process.stdout.write(
      `\ndownsampled series: ${MINUTOS} readings at ${PUNTOS} points (median of ${ctx.rounds} rounds x ${VECES} calls)\n` +
        `| run | p50 ms | p99 ms |\n|---|---:|---:|\n` +
        `| baseline: SQL min/max GROUP BY bucket | ${fila.baseP50.toFixed(1)} | ${fila.baseP99.toFixed(1)} |\n` +
        `| GET /api/dispositivo/grafica (${fila.puntos} points) | ${fila.rutaP50.toFixed(1)} | ${fila.rutaP99.toFixed(1)} |\n` +
        `ratio p99 route / baseline = ${ratio(fila.rutaP99, fila.baseP99)} (target: route p99 < 200 ms)\n`,
    );
    process.stdout.write(`written to ${saveResult('grafica', { ...fila, rondas })}\n`);
  } finally {
    await db.drop();
  }
}

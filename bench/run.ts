/**
 * `npm run bench [scenario]`: measured runs with their baselines in the same
 * invocation (the machine is shared and noisy, so only ratios are compared).
 * PostgreSQL: DATABASE_URL (a server) or the embedded one.
 */
process.env.LOG_LEVEL ??= 'warn';
import { randomBytes } from 'node:crypto';
import { postgresServer } from '../scripts/services';
import { bindFix } from './scenarios/bind-fix';
import { energiaBench } from './scenarios/energia';
import { escala } from './scenarios/escala';
import { facturasBench } from './scenarios/facturas';
import { facturacionSync } from './scenarios/facturacion-sync';
import { fleet } from './scenarios/fleet';
import { gatewayOverhead } from './scenarios/gateway';
import { graficaBench } from './scenarios/grafica';
import { httpIngestion } from './scenarios/http-ingestion';
import { metricsCost } from './scenarios/metrics-cost';
import { mqttIngestion } from './scenarios/mqtt-ingestion';

const SCENARIOS: Record<string, typeof httpIngestion> = {
  http: httpIngestion,
  mqtt: mqttIngestion,
  bind: bindFix,
  facturacion: facturacionSync,
  energia: energiaBench,
  facturas: facturasBench,
  gateway: gatewayOverhead,
  grafica: graficaBench,
  metrics: metricsCost,
  fleet,
  escala,
};

/** Run when none is named: all but the scale curve (it fills to 100M readings: about an hour). */
const DEFAULT = Object.keys(SCENARIOS).filter((s) => s !== 'escala');

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in SCENARIOS));
  if (unknown.length)
    throw new Error(
      `unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`,
    );
  const server = await postgresServer(process.env);
  const ctx = {
    serverUrl: server.url,
    durationS: Number(process.env.BENCH_DURATION_S ?? 5),
    rounds: Number(process.env.BENCH_ROUNDS ?? 5),
    apiKey: randomBytes(18).toString('base64url'),
    gatewaySecret: randomBytes(32).toString('base64url'),
  };
  try {
    for (const name of wanted.length ? wanted : DEFAULT) await SCENARIOS[name](ctx);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

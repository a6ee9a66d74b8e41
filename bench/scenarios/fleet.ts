import { BenchDatabase, freshDatabase } from '../lib/database';
import { MQTT_BENCH_LOGIN } from '../lib/mqtt-bench-config';
import { commitLatency, startMqttStack } from '../lib/mqtt-stack';
import { freePort, runNode, runNodeUntil, waitHttp } from '../lib/processes';
import { median, ratio, saveResult } from '../lib/report';
import type { BenchContext } from '../lib/context';
import { startDispositivo } from '../lib/dispositivo-runs';

const DEVICES = 1000;
const WARMUP_S = 2;

/** What `npm run simulate -- --json` prints. */
interface Simulated {
  sent: number;
  acked: number;
  errors: number;
  unanswered: number;
  p50: number;
  p99: number;
}

/**
 * The device simulator, exactly as users run it, as this scenario's load
 * generator; a first run of WARMUP_S unmeasured (a cold process answers its
 * first half second at this rate up to ~400 ms late: JIT, connections).
 */
async function measured(
  ctx: BenchContext,
  protocol: 'http' | 'mqtt',
  url: string,
  rate: number,
  env: NodeJS.ProcessEnv,
): Promise<{ run: Simulated; acked: number; since: Date }> {
  const warm = await simulate(ctx, protocol, url, rate, env, WARMUP_S);
  const since = new Date();
  const run = await simulate(ctx, protocol, url, rate, env);
  return { run, acked: warm.acked + run.acked, since };
}

async function simulate(
  ctx: BenchContext,
  protocol: 'http' | 'mqtt',
  url: string,
  rate: number,
  env: NodeJS.ProcessEnv,
  durationS = ctx.durationS,
): Promise<Simulated> {
  const args = ['--protocol', protocol, '--url', url, '--devices', String(DEVICES)];
  args.push('--rate', String(rate), '--duration', String(durationS), '--json');
  const run = runNodeUntil('scripts/simulate.js', args, '"acked"', env);
  await run.output;
  return JSON.parse((await run.exited).trim().split('\n').pop()!) as Simulated;
}

/** Every acknowledged reading is a row (the simulator's serials start with SIM-). */
async function verify(db: BenchDatabase, acked: number): Promise<void> {
  const [{ n }] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM lectura WHERE numero_serie LIKE 'SIM-%'`,
  );
  if (n !== acked) throw new Error(`${acked} acknowledged but ${n} rows`);
}

async function bareHttp(ctx: BenchContext, rate: number): Promise<Simulated> {
  const port = await freePort();
  const child = runNode('bench/baselines/bare-http-server.js', { PORT: String(port) });
  try {
    await waitHttp(`http://127.0.0.1:${port}`);
    const { run } = await measured(ctx, 'http', `http://127.0.0.1:${port}`, rate, {
      IOT_DEVICE_KEY: 'bare',
    });
    return run;
  } finally {
    await child.stop();
  }
}

async function dispositivoHttp(ctx: BenchContext, rate: number): Promise<Simulated> {
  const db = await freshDatabase(ctx.serverUrl, false);
  const { child, url } = await startDispositivo(ctx, db);
  try {
    const { run, acked } = await measured(ctx, 'http', url, rate, { IOT_DEVICE_KEY: ctx.apiKey });
    await verify(db, acked);
    return run;
  } finally {
    await child.stop();
    await db.drop();
  }
}

/**
 * Over MQTT the device's PUBACK comes from Mosquitto (dispositivo acknowledges
 * the broker after its commit), so the latency reported is publish to commit,
 * from the table (estampaTiempo is the publish time).
 */
async function dispositivoMqtt(ctx: BenchContext, rate: number): Promise<Simulated> {
  const { url, db, app, dispose } = await startMqttStack(ctx);
  try {
    const { run, acked, since } = await measured(ctx, 'mqtt', url, rate, {
      MQTT_USERNAME: MQTT_BENCH_LOGIN.user,
      MQTT_PASSWORD: MQTT_BENCH_LOGIN.password,
    });
    await app.stop();
    await verify(db, acked);
    return { ...run, ...(await commitLatency(db, since)) };
  } finally {
    await dispose();
  }
}

/**
 * A realistic fleet (1,000 devices, three variables, plausible values) at a
 * steady rate, driven by `npm run simulate`: over HTTP against dispositivo and
 * against the bare server (the baseline, same rate, same round), and over MQTT
 * through Mosquitto. Reported: the share of the asked readings acknowledged,
 * and their latency (HTTP: to the answer; MQTT: publish to commit).
 */
export async function fleet(ctx: BenchContext): Promise<void> {
  const rate = Number(process.env.BENCH_FLEET_RATE ?? 5000);
  const asked = rate * ctx.durationS;
  const rounds: { bare: Simulated; http: Simulated; mqtt: Simulated }[] = [];
  for (let r = 0; r < ctx.rounds; r++) {
    const bare = await bareHttp(ctx, rate);
    const http = await dispositivoHttp(ctx, rate);
    const mqtt = await dispositivoMqtt(ctx, rate);
    rounds.push({ bare, http, mqtt });
    process.stdout.write(`round ${r + 1}/${ctx.rounds} done\n`);
  }
  const rows = (['bare', 'http', 'mqtt'] as const).map((run) => {
    const m = (f: (s: Simulated) => number) => median(rounds.map((r) => f(r[run])));
    return {
      run: {
        bare: 'baseline: bare node:http',
        http: 'dispositivo POST /envio',
        mqtt: 'dispositivo MQTT (Mosquitto), publish to commit',
      }[run],
      acknowledged: ratio(
        m((s) => s.acked),
        asked,
      ),
      errors: rounds.reduce((n, r) => n + r[run].errors + r[run].unanswered, 0),
      p50Ms: Math.round(m((s) => s.p50) * 10) / 10,
      p99Ms: Math.round(m((s) => s.p99) * 10) / 10,
    };
  });
  process.stdout.write(
    `\nFleet: ${DEVICES} devices, ${rate} readings/s, ${ctx.durationS} s, median of ${ctx.rounds} rounds\n`,
  );
  process.stdout.write(
    '| run | acknowledged / asked | errors | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|\n',
  );
  for (const r of rows) {
    process.stdout.write(
      `| ${r.run} | ${r.acknowledged} | ${r.errors} | ${r.p50Ms} | ${r.p99Ms} |\n`,
    );
  }
  const file = saveResult('fleet', {
    devices: DEVICES,
    rate,
    durationS: ctx.durationS,
    rows,
    rounds,
  });
  process.stdout.write(`written to ${file}\n`);
}

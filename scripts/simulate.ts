/**
 * `npm run simulate -- --protocol mqtt|http --devices 1000 --rate 5000 --duration 60
 *   --variables voltaje,corriente,temperatura [--url U] [--keys FILE] [--seed N] [--json]`
 *
 * Simulated devices sending readings at a steady total rate, with a live
 * progress line (sent, acknowledged, errors, rate, elapsed) and a summary.
 * HTTP: POST /api/dispositivo/envio (default the gateway, IOT_GATEWAY_URL),
 * one key for all devices from IOT_DEVICE_KEY. MQTT: QoS 1 to
 * dispositivos/<serie>/lecturas (default MQTT_URL or npm start's broker),
 * logging in with IOT_DEVICE_KEY (username: its id), else with
 * MQTT_USERNAME/MQTT_PASSWORD when set. `--keys FILE`: one
 * device key per line; device i uses key i mod n (over MQTT each key is its
 * own login: username = its id). `--json`: no progress line, the summary as
 * one JSON line (what the benchmark reads). Exit 1 when anything failed.
 */
import { deviceTopic } from '@iot/contracts';
import { SingleBar } from 'cli-progress';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connectAsync, MqttClient } from 'mqtt';
import { Pool } from 'undici';
import { Devices, seeded } from './simulate/valores';

interface Options {
  protocol: 'http' | 'mqtt';
  devices: number;
  rate: number;
  durationS: number;
  variables: string[];
  url: string;
  keys: string[];
  seed: number;
  json: boolean;
}

const USAGE =
  'usage: npm run simulate -- --protocol mqtt|http --devices N --rate R --duration S ' +
  '--variables a,b [--url U] [--keys FILE] [--seed N] [--json]';

/** Wrong arguments (exit 64 with the usage), as opposed to a failed run (exit 1). */
class UsageError extends Error {}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      protocol: { type: 'string', default: 'http' },
      devices: { type: 'string', default: '100' },
      rate: { type: 'string', default: '500' },
      duration: { type: 'string', default: '10' },
      variables: { type: 'string', default: 'voltaje,corriente,temperatura' },
      url: { type: 'string' },
      keys: { type: 'string' },
      seed: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, value: string | undefined, max: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new UsageError(`--${name} must be an integer from 1 to ${max}`);
    }
    return n;
  };
  const protocol = values.protocol;
  if (protocol !== 'http' && protocol !== 'mqtt')
    throw new UsageError('--protocol must be http or mqtt');
  const keys = values.keys
    ? readFileSync(values.keys, 'utf8')
        .split('\n')
        .map((k) => k.trim())
        .filter(Boolean)
    : [process.env.IOT_DEVICE_KEY ?? ''].filter(Boolean);
  if (protocol === 'http' && keys.length === 0) {
    throw new UsageError('HTTP needs a device key: IOT_DEVICE_KEY or --keys FILE');
  }
  return {
    protocol,
    devices: int('devices', values.devices, 1_000_000),
    rate: int('rate', values.rate, 1_000_000),
    durationS: int('duration', values.duration, 86_400),
    variables: (values.variables ?? '').split(',').filter(Boolean),
    url:
      values.url ??
      (protocol === 'http'
        ? (process.env.IOT_GATEWAY_URL ?? 'http://127.0.0.1:8080')
        : (process.env.MQTT_URL ?? 'mqtt://127.0.0.1:11883')),
    keys,
    seed: int('seed', values.seed, 2 ** 31),
    json: values.json ?? false,
  };
}

/** Sends one reading; resolves when acknowledged (2xx / PUBACK), rejects with a reason. */
type Send = (device: number, reading: Record<string, unknown>, serie: string) => Promise<void>;

function httpSender(o: Options): { send: Send; close(): Promise<void> } {
  const pool = new Pool(o.url, { connections: 64 });
  return {
    send: async (device, reading) => {
      const res = await pool.request({
        method: 'POST',
        path: '/api/dispositivo/envio',
        headers: {
          'x-api-key': o.keys[device % o.keys.length],
          'content-type': 'application/json',
        },
        body: JSON.stringify(reading),
      });
      await res.body.dump();
      if (res.statusCode !== 200 && res.statusCode !== 201)
        throw new Error(`HTTP ${res.statusCode}`);
    },
    close: () => pool.close(),
  };
}

async function mqttSender(o: Options): Promise<{ send: Send; close(): Promise<void> }> {
  // one login per key; without keys a few shared connections
  const logins =
    o.keys.length > 0
      ? o.keys.map((key) => ({ username: key.split('_')[1], password: key }))
      : Array.from({ length: Math.min(o.devices, 8) }, () => ({
          username: process.env.MQTT_USERNAME,
          password: process.env.MQTT_PASSWORD,
        }));
  const clients: MqttClient[] = await Promise.all(
    logins.map((login) =>
      connectAsync(o.url, { ...login, protocolVersion: 4, reconnectPeriod: 1000 }),
    ),
  );
  return {
    send: async (device, reading, serie) => {
      const { numeroSerie: _, ...payload } = reading;
      await clients[device % clients.length].publishAsync(
        deviceTopic(serie),
        JSON.stringify(payload),
        { qos: 1 },
      );
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.endAsync()));
    },
  };
}

async function main(argv: string[]): Promise<number> {
  const o = options(argv);
  const devices = new Devices(o.devices, seeded(o.seed));
  const sender = o.protocol === 'http' ? httpSender(o) : await mqttSender(o);
  const stats = { sent: 0, acked: 0, errors: 0, inFlight: 0 };
  const reasons = new Map<string, number>();
  const latencies: number[] = [];
  const last = new Map<number, number>();
  const maxInFlight = 1024;

  const bar = new SingleBar({
    format:
      '{bar} {percentage}% | sent {sent} | acked {acked} | errors {errors} | {rate}/s | {duration_formatted}',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 1000,
  });
  const started = Date.now();
  if (!o.json) bar.start(o.durationS, 0, { sent: 0, acked: 0, errors: 0, rate: 0 });

  let n = 0;
  const sendOne = (): void => {
    const device = n % o.devices;
    const variable = o.variables[Math.floor(n / o.devices) % o.variables.length];
    n++;
    // strictly increasing per device: no two readings of a device share an instant
    const at = Math.max(Date.now(), (last.get(device) ?? 0) + 1);
    last.set(device, at);
    const serie = devices.serie(device);
    const reading = {
      nombreVariable: variable,
      numeroSerie: serie,
      estampaTiempo: new Date(at).toISOString(),
      valorVariable: devices.value(variable, device, new Date(at)),
    };
    stats.sent++;
    stats.inFlight++;
    const t0 = performance.now();
    sender
      .send(device, reading, serie)
      .then(
        () => {
          stats.acked++;
          if (latencies.length < 1_000_000) latencies.push(performance.now() - t0);
        },
        (error: Error) => {
          stats.errors++;
          reasons.set(error.message, (reasons.get(error.message) ?? 0) + 1);
        },
      )
      .finally(() => stats.inFlight--);
  };

  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      const elapsed = (Date.now() - started) / 1000;
      if (elapsed >= o.durationS) {
        clearInterval(tick);
        done();
        return;
      }
      const due = Math.floor(o.rate * elapsed);
      while (stats.sent < due && stats.inFlight < maxInFlight) sendOne();
      if (!o.json)
        bar.update(Math.floor(elapsed), {
          sent: stats.sent,
          acked: stats.acked,
          errors: stats.errors,
          rate: Math.round(stats.acked / Math.max(elapsed, 0.001)),
        });
    }, 10);
  });
  // the last answers
  const until = Date.now() + 10_000;
  while (stats.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (Date.now() - started) / 1000;
  if (!o.json) {
    bar.update(o.durationS, { sent: stats.sent, acked: stats.acked, errors: stats.errors });
    bar.stop();
  }
  await sender.close();

  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length ? latencies[Math.floor((latencies.length - 1) * p)] : 0;
  const failed = stats.errors > 0 || stats.inFlight > 0 ? 1 : 0;
  if (o.json) {
    const { sent, acked, errors, inFlight: unanswered } = stats;
    const summary = {
      sent,
      acked,
      errors,
      unanswered,
      seconds: elapsed,
      p50: pct(0.5),
      p99: pct(0.99),
    };
    process.stdout.write(
      `${JSON.stringify({ ...summary, reasons: Object.fromEntries(reasons) })}\n`,
    );
    return failed;
  }
  const lines = [
    `protocol ${o.protocol}  url ${o.url}  devices ${o.devices}  variables ${o.variables.join(',')}`,
    `sent ${stats.sent}  acked ${stats.acked}  errors ${stats.errors}  unanswered ${stats.inFlight}`,
    `rate ${Math.round(stats.acked / elapsed)}/s acknowledged over ${elapsed.toFixed(1)} s (asked ${o.rate}/s)`,
    `latency p50 ${pct(0.5).toFixed(1)} ms  p99 ${pct(0.99).toFixed(1)} ms`,
    ...[...reasons].map(([reason, count]) => `error ${count}× ${reason}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return failed;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    const usage =
      error instanceof UsageError ||
      String((error as { code?: string }).code).startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`simulate: ${error.message}\n${usage ? `${USAGE}\n` : ''}`);
    process.exit(usage ? 64 : 1);
  },
);

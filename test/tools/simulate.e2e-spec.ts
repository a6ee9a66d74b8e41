import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_API_KEY } from '../support/dispositivo';
import { createTestKeyStore, TestKeyStore } from '../support/gateway';
import {
  brokerKinds,
  MQTT_TEST_PASSWORD,
  MQTT_TEST_USER,
  startEmbeddedBroker,
} from '../support/mqtt-broker';
import { useMqttDispositivo } from '../support/mqtt-dispositivo';
import { waitFor } from '../support/wait';

const SIMULATE = join(__dirname, '..', '..', 'dist', 'scripts', 'simulate.js');

function simulate(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [SIMULATE, ...args], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

const acked = (out: string): number => Number(/acked (\d+) {2}errors 0/.exec(out)?.[1] ?? NaN);

/** `npm run simulate`: what it says it sent is what is stored. */
describe('device simulator', () => {
  const embedded = brokerKinds().find((k) => k.name.startsWith('embedded'))!;
  const f = useMqttDispositivo(embedded, 'simulate');

  it('sends over HTTP at the asked rate, and every acknowledged reading is stored', async () => {
    const run = await simulate(
      [
        '--protocol',
        'http',
        '--url',
        f.svc.url,
        '--devices',
        '20',
        '--rate',
        '200',
        '--duration',
        '2',
      ],
      { IOT_DEVICE_KEY: TEST_API_KEY },
    );
    expect(run.code).toBe(0);
    const n = acked(run.out);
    expect(n).toBeGreaterThanOrEqual(300); // 200/s for 2 s, on a busy machine
    const { rows } = await f.pg.query<{ n: number; series: number; vars: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT numero_serie)::int AS series,
              count(DISTINCT nombre_variable)::int AS vars
       FROM lectura WHERE numero_serie LIKE 'SIM-%'`,
    );
    expect(rows[0]).toEqual({ n, series: 20, vars: 3 });
    expect(run.out).toMatch(/latency p50 [\d.]+ ms {2}p99 [\d.]+ ms/);
  });

  it('publishes over MQTT (QoS 1, acknowledged after commit)', async () => {
    await f.pg.query(`DELETE FROM lectura WHERE numero_serie LIKE 'SIM-%'`);
    const run = await simulate(
      [
        '--protocol',
        'mqtt',
        '--url',
        f.broker.url,
        '--devices',
        '10',
        '--rate',
        '100',
        '--duration',
        '2',
        '--variables',
        'voltaje',
      ],
      { MQTT_USERNAME: MQTT_TEST_USER, MQTT_PASSWORD: MQTT_TEST_PASSWORD, IOT_DEVICE_KEY: '' },
    );
    expect(run.code).toBe(0);
    const n = acked(run.out);
    expect(n).toBeGreaterThanOrEqual(150);
    await waitFor(
      async () => {
        const { rows } = await f.pg.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM lectura WHERE numero_serie LIKE 'SIM-%'`,
        );
        return rows[0].n === n;
      },
      10_000,
      `${n} readings stored`,
    );
  });

  it('says what is wrong with its arguments', async () => {
    const run = await simulate(['--protocol', 'carrier-pigeon'], {});
    expect(run.code).toBe(64);
    expect(run.out).toMatch(/--protocol must be http or mqtt/);
  });
});

/** `--keys FILE` over MQTT: each key is its own broker login, checked against the key store. */
describe('device simulator with per-device keys', () => {
  let store: TestKeyStore;
  const work = mkdtempSync(join(tmpdir(), 'simulate-keys-'));
  beforeAll(async () => {
    store = await createTestKeyStore();
  });
  const f = useMqttDispositivo(
    {
      start: () =>
        startEmbeddedBroker({ MQTT_KEYS_DATABASE_URL: store.url, KEYS_REFRESH_MS: '200' }),
      env: { MQTT_PROTOCOL_VERSION: '4', MQTT_SHARED_GROUP: 'none' },
      protocolVersion: 4,
    },
    'simulate-keys',
  );
  afterAll(async () => {
    await store.close();
    rmSync(work, { recursive: true, force: true });
  });

  const run = async (keys: string[]) => {
    const file = join(work, 'keys.txt');
    writeFileSync(file, `${keys.join('\n')}\n`);
    const args = ['--protocol', 'mqtt', '--url', f.broker.url, '--devices', '6', '--rate', '60'];
    args.push('--duration', '2', '--variables', 'voltaje', '--keys', file, '--json');
    return simulate(args, { IOT_DEVICE_KEY: '', MQTT_USERNAME: '', MQTT_PASSWORD: '' });
  };

  it('logs each key in on its own and every acknowledged reading is stored', async () => {
    const keys = await Promise.all(
      [1, 2, 3].map(async () => (await store.keys.create({ role: 'dispositivo' })).key),
    );
    const result = await run(keys);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ errors: 0, unanswered: 0 });
    expect(summary.acked).toBeGreaterThanOrEqual(60);
    await waitFor(
      async () =>
        (
          await f.pg.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM lectura WHERE numero_serie LIKE 'SIM-%'`,
          )
        ).rows[0].n === summary.acked,
      10_000,
      `${summary.acked} readings stored`,
    );
  });

  it('a revoked key among them is refused by the broker, and the run says it failed', async () => {
    const good = (await store.keys.create({ role: 'dispositivo' })).key;
    const revoked = await store.keys.create({ role: 'dispositivo' });
    await store.keys.revoke(revoked.apiKey.id);
    await new Promise((r) => setTimeout(r, 500)); // the broker's key cache refreshes every 200 ms
    const result = await run([good, revoked.key]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/simulate: .*(Not authorized|Bad username or password)/);
    expect(result.out).not.toContain('usage:');
  });
});

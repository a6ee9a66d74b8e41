import { AppProcess, spawnApp } from '../support/app-process';
import { createTestKeyStore, TestKeyStore } from '../support/gateway';
import { http } from '../support/http';

/**
 * Per-key limits, set per role: two gateway instances sharing buckets through
 * Redis (CI, REQUIRE_REDIS=1), and one instance on the in-memory limiter (any
 * machine).
 */
const drivers: Array<{ name: string; env: Record<string, string>; instances: number }> = [
  ...(process.env.TEST_REDIS_AVAILABLE === '1'
    ? [
        {
          name: 'redis, two instances',
          env: { REDIS_URL: process.env.TEST_REDIS_URL ?? '' },
          instances: 2,
        },
      ]
    : []),
  { name: 'memory, one instance', env: {}, instances: 1 },
];

describe.each(drivers)('gateway rate limit ($name)', ({ env, instances }) => {
  let gateways: AppProcess[] = [];
  let store: TestKeyStore;
  let staff: string;
  let second: string;
  let device: string;
  beforeAll(async () => {
    store = await createTestKeyStore();
    staff = (await store.keys.create({ role: 'facturacion' })).key;
    second = (await store.keys.create({ role: 'facturacion' })).key;
    device = (await store.keys.create({ role: 'dispositivo' })).key;
    const all = {
      ...env,
      DATABASE_URL: store.url,
      RATE_LIMIT_FACTURACION_PER_MINUTE: '60',
      RATE_LIMIT_FACTURACION_BURST: '5',
      DISPOSITIVO_URL: 'http://127.0.0.1:1',
      FACTURACION_URL: 'http://127.0.0.1:1',
    };
    gateways = await Promise.all(Array.from({ length: instances }, () => spawnApp('gateway', all)));
  });
  afterAll(async () => {
    await Promise.all(gateways.map((p) => p.kill('SIGTERM')));
    await store.close();
  });

  it('lets a burst through per key, then 429 with Retry-After; other keys, roles and health unaffected', async () => {
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 10; i++) {
      const res = await http(
        gateways[i % gateways.length].url,
        'GET',
        '/api/facturacion/variables',
        undefined,
        { apiKey: staff },
      );
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after') ?? '';
    }
    // the first five pass the limiter (no facturacion answers: 503), the rest must wait
    expect(statuses.slice(0, 5).every((s) => s === 503)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429, 429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const other = await http(gateways[0].url, 'GET', '/api/facturacion/variables', undefined, {
      apiKey: second,
    });
    expect(other.status).toBe(503);
    // another role keeps the default limit
    for (let i = 0; i < 10; i++) {
      const res = await http(
        gateways[0].url,
        'POST',
        '/api/dispositivo/envio',
        {},
        { apiKey: device },
      );
      expect(res.status).toBe(503);
    }
    const health = await http(gateways[0].url, 'GET', '/health/live', undefined, { apiKey: null });
    expect(health.status).toBe(200);
  });
});

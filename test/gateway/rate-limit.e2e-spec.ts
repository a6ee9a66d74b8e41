import { randomBytes } from 'node:crypto';
import { AppProcess, spawnApp } from '../support/app-process';
import { TEST_API_KEY } from '../support/dispositivo';
import { http } from '../support/http';

const SECOND_KEY = `test-${randomBytes(18).toString('base64url')}`;

/**
 * Per-key limits: two gateway instances sharing buckets through Redis (CI,
 * REQUIRE_REDIS=1), and one instance on the in-memory limiter (any machine).
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
  beforeAll(async () => {
    const all = {
      ...env,
      API_KEYS: `${TEST_API_KEY},${SECOND_KEY}`,
      RATE_LIMIT_PER_MINUTE: '60',
      RATE_LIMIT_BURST: '5',
      DISPOSITIVO_URL: 'http://127.0.0.1:1',
      FACTURACION_URL: 'http://127.0.0.1:1',
    };
    gateways = await Promise.all(Array.from({ length: instances }, () => spawnApp('gateway', all)));
  });
  afterAll(async () => {
    await Promise.all(gateways.map((p) => p.kill('SIGTERM')));
  });

  it('lets a burst through per key, then 429 with Retry-After; other keys and health unaffected', async () => {
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 10; i++) {
      const res = await http(
        gateways[i % gateways.length].url,
        'GET',
        '/api/facturacion/variables',
      );
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after') ?? '';
    }
    // the first five pass the limiter (no facturacion answers: 503), the rest must wait
    expect(statuses.slice(0, 5).every((s) => s === 503)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429, 429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const other = await http(gateways[0].url, 'GET', '/api/facturacion/variables', undefined, {
      apiKey: SECOND_KEY,
    });
    expect(other.status).toBe(503);
    const health = await http(gateways[0].url, 'GET', '/health/live', undefined, { apiKey: null });
    expect(health.status).toBe(200);
  });
});

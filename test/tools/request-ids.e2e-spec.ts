import { spawnApp } from '../support/app-process';
import { createTestDatabase } from '../support/database';
import { TEST_API_KEY } from '../support/dispositivo';
import { freePort } from '../support/ports';
import { waitFor } from '../support/wait';

const lines = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string; requestId?: string; component?: string });

/** Every log line written while serving a request carries its X-Request-Id. */
describe('request ids in the logs', () => {
  it('tags the lines of a request, and only those', async () => {
    const db = await createTestDatabase();
    const facturacion = await spawnApp('facturacion', {
      DATABASE_URL: db.url,
      LOG_LEVEL: 'info',
      // nothing answers there: a run started by a request fails and says so
      DISPOSITIVO_URL: `http://127.0.0.1:${await freePort()}`,
      DISPOSITIVO_API_KEY: TEST_API_KEY,
      SYNC_CRON: 'off',
      SYNC_RETRIES: '0',
    });
    try {
      const res = await fetch(`${facturacion.url}/api/facturacion/sincronizaciones`, {
        method: 'POST',
        headers: { 'x-api-key': TEST_API_KEY, 'x-request-id': 'trace-me-1' },
      });
      expect(res.status).toBe(202);
      expect(res.headers.get('x-request-id')).toBe('trace-me-1');
      await waitFor(
        () => Promise.resolve(lines(facturacion.output()).some((l) => l.msg === 'sync run failed')),
        10_000,
        'the failed run logged',
      );
      const failed = lines(facturacion.output()).find((l) => l.msg === 'sync run failed');
      expect(failed?.requestId).toBe('trace-me-1');
      // start-up lines belong to no request
      const started = lines(facturacion.output()).find((l) => l.msg === 'facturacion listening');
      expect(started).toBeDefined();
      expect(started?.requestId).toBeUndefined();
      // an id that is not a sane token is replaced
      const odd = await fetch(`${facturacion.url}/health`, { headers: { 'x-request-id': 'a b' } });
      expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await facturacion.kill('SIGTERM');
      await db.drop();
    }
  });
});

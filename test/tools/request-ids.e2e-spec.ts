import { spawnApp } from '../support/app-process';
import { createTestDatabase } from '../support/database';
import { TEST_API_KEY } from '../support/dispositivo';
import { freePort } from '../support/ports';
import { waitFor } from '../support/wait';
import { IncomingMessage, request } from 'node:http';

/** A POST whose body leaves 100 ms after its headers. */
function postLento(url: string, body: string, headers: Record<string, string>) {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res);
    });
    req.on('error', reject);
    req.flushHeaders();
    setTimeout(() => req.end(body), 100);
  });
}

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
      // the body after the headers, as a slow client sends it: the handler then runs from the
      // body's end, in another async context than onRequest's
      const res = await postLento(`${facturacion.url}/api/facturacion/sincronizaciones`, '{}', {
        'x-api-key': TEST_API_KEY,
        'x-request-id': 'trace-me-1',
        'content-type': 'application/json',
      });
      expect(res.statusCode).toBe(202);
      expect(res.headers['x-request-id']).toBe('trace-me-1');
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

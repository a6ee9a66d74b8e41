import { connect, Socket } from 'node:net';
import { AppProcess, spawnApp } from '../support/app-process';
import { createTestKeyStore, TestKeyStore } from '../support/gateway';
import { http } from '../support/http';

/** A raw connection that records when the gateway closed it and what it said. */
function rawSocket(
  port: number,
  send: string,
): Promise<{ socket: Socket; closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let heard = '';
    const closed = new Promise<string>((done) => {
      socket.on('data', (d: Buffer) => (heard += d.toString('latin1')));
      socket.on('close', () => done(heard));
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      if (send) socket.write(send);
      resolve({ socket, closed });
    });
  });
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'still open'> =>
  Promise.race([promise, new Promise<'still open'>((r) => setTimeout(() => r('still open'), ms))]);

/**
 * What an outside test found open on the gateway (issue 15): idle sockets
 * never closed by the node:http front, internal routes reached through
 * percent-encoded letters, and unbounded failed authentication.
 */
describe('gateway against hostile clients', () => {
  let store: TestKeyStore;
  let gateway: AppProcess;
  let staff: string;
  let device: string;
  const FAILURES_BURST = 8;

  beforeAll(async () => {
    store = await createTestKeyStore();
    staff = (await store.keys.create({ role: 'facturacion' })).key;
    device = (await store.keys.create({ role: 'dispositivo' })).key;
    gateway = await spawnApp('gateway', {
      DATABASE_URL: store.url,
      DISPOSITIVO_URL: 'http://127.0.0.1:1',
      FACTURACION_URL: 'http://127.0.0.1:1',
      HTTP_REQUEST_TIMEOUT_MS: '1500',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
      HTTP_IDLE_TIMEOUT_MS: '2000',
      AUTH_FAILURES_PER_MINUTE: '60',
      AUTH_FAILURES_BURST: String(FAILURES_BURST),
    });
    await new Promise((r) => setTimeout(r, 500)); // keys reload every 200 ms here
  });
  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await store?.close();
  });

  describe('idle and slow connections', () => {
    it.each([
      ['send nothing', ''],
      ['send half a request line', 'GET /api/dispositivo/env'],
      ['send headers that never end', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n'],
      [
        'send a proxied request whose headers never end',
        'POST /api/dispositivo/envio HTTP/1.1\r\n',
      ],
    ])('closes 20 connections that %s within the request timeout', async (_what, send) => {
      const sockets = await Promise.all(
        Array.from({ length: 20 }, () => rawSocket(gateway.port, send)),
      );
      const outcomes = await Promise.all(sockets.map((s) => within(s.closed, 4000)));
      sockets.forEach((s) => s.socket.destroy());
      expect(outcomes.filter((o) => o === 'still open')).toHaveLength(0);
    });

    it('closes connections whose client stops reading a large answer', async () => {
      // pipelined requests for a 1.5 MB asset, not read for a while: the request
      // timeout is over once each request has arrived, only the idle timeout helps
      const asset = 'GET /docs/swagger-ui-bundle.js HTTP/1.1\r\nHost: x\r\n\r\n';
      const asked = 20;
      const one = await http(gateway.url, 'GET', '/docs/swagger-ui-bundle.js');
      const full = asked * Number(one.headers.get('content-length'));
      const received = await Promise.all(
        Array.from(
          { length: 5 },
          () =>
            new Promise<number>((resolve, reject) => {
              const socket = connect(gateway.port, '127.0.0.1', () => {
                socket.write(asset.repeat(asked));
                socket.pause();
                setTimeout(() => socket.resume(), 6000);
              });
              let bytes = 0;
              socket.on('data', (d: Buffer) => (bytes += d.length));
              socket.on('close', () => resolve(bytes));
              socket.on('error', reject);
            }),
        ),
      );
      // cut off while paused: far less than the 20 answers asked for
      for (const bytes of received) expect(bytes).toBeLessThan(full / 2);
    }, 20_000);

    it('closes a kept-alive connection left idle after its answer', async () => {
      const { socket, closed } = await rawSocket(
        gateway.port,
        'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      const heard = await within(closed, 4000);
      socket.destroy();
      expect(heard).not.toBe('still open');
      expect(String(heard)).toMatch(/^HTTP\/1.1 200/);
    });
  });

  describe('internal and admin routes spelled with percent-encoded letters', () => {
    const internal = [
      '/api/dispositivo/%65xportacion',
      '/api/dispositivo/exportaci%6fn',
      '/api/dispositivo/ex%70ortacion',
      '/api/%64ispositivo/exportacion',
      '/api/dispositivo/%65%78%70%6f%72%74%61%63%69%6f%6e?variables=voltaje',
    ];
    it.each(internal)('answers 404 to %s, as to the plain spelling', async (path) => {
      const plain = await http(gateway.url, 'GET', '/api/dispositivo/exportacion');
      const res = await http(gateway.url, 'GET', path);
      expect(plain.status).toBe(404);
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toMatch(/internal|service key/i);
    });

    const adminOnly: Array<[string, string]> = [
      ['GET', '/api/dispositivo/%6cecturas'],
      ['GET', '/api/dispositivo/r%65chazadas'],
      ['POST', '/api/dispositivo/%73olicitud'],
      ['GET', '/api/gateway/%6beys'],
      ['GET', '/api/g%61teway/keys'],
      ['POST', '/api/gateway/k%65ys'],
    ];
    it.each(adminOnly)('refuses %s %s to a billing key (403)', async (method, path) => {
      const res = await http(gateway.url, method, path, method === 'POST' ? {} : undefined, {
        apiKey: staff,
      });
      expect(res.status).toBe(403);
    });

    it('lets a device key send on an encoded spelling of its own route only', async () => {
      const other = await http(gateway.url, 'GET', '/api/facturacion/v%61riables', undefined, {
        apiKey: device,
      });
      expect(other.status).toBe(403);
      const own = await http(
        gateway.url,
        'POST',
        '/api/dispositivo/%65nvio',
        {},
        {
          apiKey: device,
        },
      );
      // allowed through to dispositivo (none runs here: 503), not refused by role
      expect(own.status).toBe(503);
    });
  });

  describe('failed authentication', () => {
    it('answers 429 with Retry-After once a client address keeps failing, on both front doors', async () => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < FAILURES_BURST + 4; i++) {
        const path = i % 2 ? '/api/facturacion/variables' : '/api/gateway/keys';
        const res = await http(gateway.url, 'GET', path, undefined, { apiKey: `wrong-${i}` });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses.slice(0, FAILURES_BURST)).toEqual(Array(FAILURES_BURST).fill(401));
      expect(statuses.slice(FAILURES_BURST)).toEqual([429, 429, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      // a known key from the same address is still served (only failures are bounded)
      const ok = await http(gateway.url, 'GET', '/api/facturacion/variables', undefined, {
        apiKey: staff,
      });
      expect(ok.status).toBe(503);
    });
  });
});

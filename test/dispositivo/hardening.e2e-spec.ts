import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database';
import { RunningApp, startDispositivo, TEST_API_KEY, useDispositivo } from '../support/dispositivo';
import { http } from '../support/http';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';

const reading = (serie: string, extra: Record<string, unknown> = {}) => ({
  nombreVariable: 'voltaje',
  numeroSerie: serie,
  estampaTiempo: '2025-03-01T00:00:00Z',
  valorVariable: 1,
  ...extra,
});
const deep = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

describe('dispositivo HTTP against hostile input', () => {
  const ctx = useDispositivo();

  it('answers 400 to a body nested 3000 levels deep, naming it', async () => {
    const raw = `{"nombreVariable":"voltaje","numeroSerie":"D","estampaTiempo":1,"valorVariable":${deep(3000)}}`;
    const res = await http(ctx.svc.url, 'POST', '/api/dispositivo/envio', undefined, { raw });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: '(body)', reason: 'nests deeper than 32 levels of arrays/objects' },
    ]);
  });

  it('rejects only the deep item of a batch and stores the rest', async () => {
    const raw = `[${JSON.stringify(reading('DEEPB'))},{"nombreVariable":"voltaje","numeroSerie":"DEEPB","estampaTiempo":2,"valorVariable":${deep(3000)}}]`;
    const res = await http(ctx.svc.url, 'POST', '/api/dispositivo/lecturas', undefined, { raw });
    expect(res.status).toBe(200);
    expect(res.body.stored).toBe(1);
    expect(res.body.items[1]).toEqual({
      indice: 1,
      estado: 'rejected',
      errors: [{ field: '(item)', reason: 'nests deeper than 32 levels of arrays/objects' }],
    });
  });

  it('refuses years before 1970 instead of storing 0099 as 1999', async () => {
    const res = await http(
      ctx.svc.url,
      'POST',
      '/api/dispositivo/envio',
      reading('Y99', { estampaTiempo: '0099-06-01T12:00:00Z' }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('estampaTiempo');
    const { rows } = await ctx.pg.query(
      "SELECT count(*)::int AS n FROM lectura WHERE numero_serie = 'Y99'",
    );
    expect(rows[0].n).toBe(0);
  });

  it.each([
    ['/api/dispositivo/lecturas?numeroSerie=A&despuesDe=OTk5OTk5OTk5OTk5OTk5OS4x', 'despuesDe'],
    ['/api/dispositivo/rechazadas?antesDe=1e19', 'antesDe'],
    ['/api/dispositivo/lecturas?numeroSerie=A&desde=0070-01-01T00:00:00Z', 'desde'],
  ])('answers 400 to an out-of-range cursor or bound: %s', async (path, field) => {
    const res = await http(ctx.svc.url, 'GET', path);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe(field);
  });

  it('closes the connection after a 401, however much body is announced', async () => {
    const { head, closedAfterMs } = await rawRequest(
      ctx.svc.url,
      'POST /api/dispositivo/lecturas HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n[',
      (s) => setInterval(() => s.write(' '), 100),
    );
    expect(head).toMatch(/^HTTP\/1.1 401/);
    expect(head.toLowerCase()).toContain('connection: close');
    expect(closedAfterMs).toBeLessThan(3000);
  });
});

describe('dispositivo HTTP with slow clients and a frozen database', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let svc: RunningApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    const u = new URL(db.url);
    proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
    svc = await startDispositivo(proxy.via(db.url), {
      HTTP_REQUEST_TIMEOUT_MS: '1000',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_QUERY_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    proxy.thaw();
    await svc.close();
    await proxy.close();
    await db.drop();
  });

  it('cuts off a client that trickles its body, even with a key', async () => {
    const { closedAfterMs } = await rawRequest(
      svc.url,
      `POST /api/dispositivo/envio HTTP/1.1\r\nHost: x\r\nx-api-key: ${TEST_API_KEY}\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{`,
      (s) => setInterval(() => s.write(' '), 100),
    );
    // HTTP_REQUEST_TIMEOUT_MS=1000, checked every second
    expect(closedAfterMs).toBeLessThan(4000);
  });

  it('answers 503 within connect + query timeout while PostgreSQL is frozen, then recovers', async () => {
    expect((await http(svc.url, 'POST', '/api/dispositivo/envio', reading('FROZEN0'))).status).toBe(
      201,
    );
    proxy.freeze();
    const started = Date.now();
    const during = await http(svc.url, 'POST', '/api/dispositivo/envio', reading('FROZEN1'));
    const tookMs = Date.now() - started;
    expect(during.status).toBe(503);
    expect(tookMs).toBeLessThan(1000 + 1000 + 1000 + 1500); // connect + query (+1 s client margin) + slack
    proxy.thaw();
    let after = await http(svc.url, 'POST', '/api/dispositivo/envio', reading('FROZEN1'));
    for (let i = 0; i < 20 && after.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await http(svc.url, 'POST', '/api/dispositivo/envio', reading('FROZEN1'));
    }
    expect([200, 201]).toContain(after.status); // 200 if the frozen attempt did commit after the thaw
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const { rows } = await pg.query(
      "SELECT count(*)::int AS n FROM lectura WHERE numero_serie = 'FROZEN1'",
    );
    await pg.end();
    expect(rows[0].n).toBe(1);
  });
});

describe('dispositivo on a database it may not create', () => {
  it('starts when its role lacks CREATEDB but the database exists', async () => {
    const db = await createTestDatabase();
    const admin = new Client({ connectionString: process.env.TEST_PG_SERVER_URL });
    await admin.connect();
    const role = `${db.name}_app`;
    const password = randomBytes(18).toString('base64url'); // random per run, like TEST_API_KEY
    await admin.query(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}' NOCREATEDB`);
    await admin.query(`ALTER DATABASE "${db.name}" OWNER TO "${role}"`);
    const u = new URL(db.url);
    u.username = role;
    u.password = password;
    let svc: RunningApp | undefined;
    try {
      svc = await startDispositivo(u.toString());
      expect((await http(svc.url, 'POST', '/api/dispositivo/envio', reading('ROLE1'))).status).toBe(
        201,
      );
    } finally {
      await svc?.close();
      await db.drop();
      await admin.query(`DROP ROLE "${role}"`);
      await admin.end();
    }
  });
});

/** Sends `head` on a raw socket, keeps feeding with `feed`, and reports the answer and when the server closed. */
function rawRequest(
  url: string,
  head: string,
  feed: (s: Socket) => NodeJS.Timeout,
): Promise<{ head: string; closedAfterMs: number }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(u.port), u.hostname, () => socket.write(head));
    const timer = feed(socket);
    const guard = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error('server kept the connection open for 10 s'));
    }, 10_000);
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ head: answer, closedAfterMs: Date.now() - started });
    });
  });
}

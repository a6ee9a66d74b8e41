import { AppProcess, spawnApp } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_API_KEY, voltaje } from '../support/dispositivo';
import { http } from '../support/http';
import { DispositivoFleet, startDispositivos } from '../support/fleet';
import { freePort } from '../support/ports';

const reading = voltaje;

/** Upstream ids from the gateway's access log lines (one per request). */
const upstreamsIn = (output: string, requestIds: Set<string>): string[] =>
  output
    .split('\n')
    .filter((l) => l.includes('"component":"access"'))
    .map((l) => JSON.parse(l) as { requestId: string; upstream?: string })
    .filter((l) => requestIds.has(l.requestId))
    .map((l) => l.upstream ?? '');

describe('gateway routing (static registry, apps as processes)', () => {
  let fleet: DispositivoFleet;
  let fdb: TestDatabase;
  let a: AppProcess;
  let b: AppProcess;
  let facturacion: AppProcess;
  let gateway: AppProcess;
  let dead: number;
  beforeAll(async () => {
    fleet = await startDispositivos(2);
    [a, b] = fleet.instances;
    fdb = await createTestDatabase();
    facturacion = await spawnApp('facturacion', {
      DATABASE_URL: fdb.url,
      DISPOSITIVO_URL: a.url,
      DISPOSITIVO_API_KEY: TEST_API_KEY,
      SYNC_CRON: 'off',
    });
    dead = await freePort(); // nothing listens here: connections are refused
    gateway = await spawnApp('gateway', {
      LOG_LEVEL: 'info',
      DISPOSITIVO_URL: `${a.url},http://127.0.0.1:${dead},${b.url}`,
      FACTURACION_URL: facturacion.url,
      // never ejected: every third request meets the refusing instance first
      GATEWAY_EJECT_AFTER_FAILURES: '100',
    });
  });
  afterAll(async () => {
    await Promise.all([facturacion, gateway].map((p) => p?.kill('SIGTERM')));
    await fleet?.stop();
    await fdb.drop();
  });

  it('routes both services, takes turns, and never sends a POST twice past a refused instance', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const id = `req-${i}`;
      ids.add(id);
      const res = await fetch(`${gateway.url}/api/dispositivo/envio`, {
        method: 'POST',
        headers: {
          'x-api-key': TEST_API_KEY,
          'content-type': 'application/json',
          'x-request-id': id,
        },
        body: JSON.stringify(reading('GW1', i)),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-request-id')).toBe(id);
    }
    // every POST stored exactly once, though some first met the dead instance
    const back = await http(a.url, 'GET', '/api/dispositivo/lecturas?numeroSerie=GW1&limite=100');
    expect(back.body.lecturas).toHaveLength(12);
    await new Promise((r) => setTimeout(r, 200));
    const served = upstreamsIn(gateway.output(), ids);
    expect(served).toHaveLength(12);
    expect(new Set(served)).toEqual(new Set([`dispositivo@${a.url}`, `dispositivo@${b.url}`]));
    const variables = await http(gateway.url, 'GET', '/api/facturacion/variables');
    expect(variables.status).toBe(200);
  });

  it('streams a 1000-reading batch through and generates a request id when absent', async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => reading('GW2', i));
    const res = await http(gateway.url, 'POST', '/api/dispositivo/lecturas', batch);
    expect(res.status).toBe(200);
    expect(res.body.stored).toBe(1000);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps the internal export out of reach and answers 503 when a service has no instance', async () => {
    const exp = await http(gateway.url, 'GET', '/api/dispositivo/exportacion?variables=voltaje');
    expect(exp.status).toBe(404);
    const lonely = await spawnApp('gateway', {
      DISPOSITIVO_URL: `http://127.0.0.1:${dead}`,
      FACTURACION_URL: facturacion.url,
    });
    const none = await http(lonely.url, 'POST', '/api/dispositivo/envio', reading('GW3', 1));
    expect(none.status).toBe(503);
    expect(none.body).toMatchObject({ service: 'dispositivo' });
    // the refusing instance, ejected after failing again, leaves dispositivo with none: not ready
    for (let i = 0; i < 3; i++) await http(lonely.url, 'GET', '/api/dispositivo/lecturas');
    const health = await http(lonely.url, 'GET', '/health', undefined, { apiKey: null });
    expect(health.status).toBe(503);
    expect(health.body.error.dispositivo).toEqual({ status: 'down', instances: 0 });
    expect(health.body.info.facturacion).toEqual({ status: 'up', instances: 1 });
    const healthy = await http(gateway.url, 'GET', '/health', undefined, { apiKey: null });
    expect(healthy.status).toBe(200);
    expect(healthy.body.info.dispositivo.instances).toBeGreaterThanOrEqual(2);
    await lonely.kill('SIGTERM');
  });
});

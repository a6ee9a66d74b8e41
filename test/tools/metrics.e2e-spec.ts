import { AppProcess, spawnApp } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_API_KEY, voltaje } from '../support/dispositivo';
import { sync } from '../support/facturacion';
import { http } from '../support/http';
import { freePort } from '../support/ports';

/** The values of the sample lines (`name{labels} value`) that carry `labels`. */
function samples(text: string, name: string, labels: Record<string, string> = {}): number[] {
  return text.split('\n').flatMap((line) => {
    const rest = line.startsWith(name) ? line.slice(name.length) : '';
    const match =
      /^[{ ]/.test(rest) && Object.entries(labels).every(([k, v]) => rest.includes(`${k}="${v}"`));
    return match ? [Number(line.split(' ').pop())] : [];
  });
}

/** The first such value, or undefined. */
const sample = (text: string, name: string, labels: Record<string, string> = {}) =>
  samples(text, name, labels)[0];

/** Prometheus metrics on every app, on their own port, without a key. */
describe('metrics', () => {
  let db: TestDatabase;
  let fdb: TestDatabase;
  const apps: Record<'dispositivo' | 'facturacion' | 'gateway', AppProcess> = {} as never;
  const port: Record<string, number> = {};
  const scrape = async (app: string) => {
    const res = await fetch(`http://127.0.0.1:${port[app]}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    fdb = await createTestDatabase();
    for (const app of ['dispositivo', 'facturacion', 'gateway']) port[app] = await freePort();
    apps.dispositivo = await spawnApp('dispositivo', {
      DATABASE_URL: db.url,
      METRICS_PORT: String(port.dispositivo),
    });
    apps.facturacion = await spawnApp('facturacion', {
      DATABASE_URL: fdb.url,
      DISPOSITIVO_URL: apps.dispositivo.url,
      DISPOSITIVO_API_KEY: TEST_API_KEY,
      SYNC_CRON: 'off',
      METRICS_PORT: String(port.facturacion),
    });
    apps.gateway = await spawnApp('gateway', {
      DISPOSITIVO_URL: apps.dispositivo.url,
      FACTURACION_URL: apps.facturacion.url,
      METRICS_PORT: String(port.gateway),
    });
  });
  afterAll(async () => {
    await Promise.all(Object.values(apps).map((p) => p?.kill('SIGTERM')));
    await Promise.all([db, fdb].map((d) => d?.drop()));
  });

  it('counts readings by transport and result, and the commits', async () => {
    const through = (body: unknown, path = '/api/dispositivo/envio') =>
      http(apps.gateway.url, 'POST', path, body);
    expect((await through(voltaje('MET-1', 1))).status).toBe(201);
    expect((await through(voltaje('MET-1', 1))).status).toBe(200);
    expect((await through({ ...voltaje('MET-1', 1), valorVariable: 9 })).status).toBe(409);
    const batch = await through(
      [voltaje('MET-1', 2), { nombreVariable: 'x' }],
      '/api/dispositivo/lecturas',
    );
    expect(batch.body).toMatchObject({ stored: 1, rejected: 1 });
    expect((await through({ ...voltaje('MET-1', 3), valorVariable: 'x' })).status).toBe(400);
    const text = await scrape('dispositivo');
    const lecturas = (result: string) =>
      sample(text, 'iot_lecturas_total', { transport: 'http', result });
    expect([
      lecturas('stored'),
      lecturas('duplicate'),
      lecturas('conflict'),
      lecturas('rejected'),
    ]).toEqual([2, 1, 1, 2]);
    // by reason: the batch's item lacks fields, the single one has a bad value
    const rechazadas = (reason: string) =>
      sample(text, 'iot_lecturas_rechazadas_total', { transport: 'http', reason }) ?? 0;
    expect([rechazadas('invalid'), rechazadas('malformed'), rechazadas('not_allowed')]).toEqual([
      2, 0, 0,
    ]);
    expect(sample(text, 'iot_commit_rows_count')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'iot_commit_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'iot_writer_queue_rows')).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('counts proxied requests by service, status and instance, with latencies', async () => {
    const text = await scrape('gateway');
    const upstream = `dispositivo@${apps.dispositivo.url}`;
    expect(
      sample(text, 'iot_gateway_requests_total', {
        service: 'dispositivo',
        status: '201',
        upstream,
      }),
    ).toBe(1);
    expect(
      sample(text, 'iot_gateway_requests_total', {
        service: 'dispositivo',
        status: '409',
        upstream,
      }),
    ).toBe(1);
    // by route template: the batch route, and a sync run's id kept out of the labels
    expect(
      sample(text, 'iot_gateway_requests_total', {
        route: '/api/dispositivo/lecturas',
        status: '200',
      }),
    ).toBe(1);
    expect(
      (await http(apps.gateway.url, 'GET', '/api/facturacion/sincronizaciones/987654')).status,
    ).toBe(404);
    const after = await scrape('gateway');
    expect(
      sample(after, 'iot_gateway_requests_total', {
        route: '/api/facturacion/sincronizaciones/:id',
        status: '404',
      }),
    ).toBe(1);
    expect(after).not.toContain('987654');
    // over every route
    const timed = samples(text, 'iot_gateway_request_seconds_count', { service: 'dispositivo' });
    expect(timed.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('counts sync runs, billed rows and the lag per variable', async () => {
    const run = await sync(apps.facturacion);
    expect(run.estado).toBe('completada');
    const text = await scrape('facturacion');
    expect(sample(text, 'iot_sync_runs_total', { estado: 'completada' })).toBe(1);
    expect(sample(text, 'iot_sync_rows_total', { variable: 'voltaje' })).toBe(2);
    expect(sample(text, 'iot_sync_pending', { variable: 'voltaje' })).toBe(0);
  });

  it('is not on the API port, and its own port serves nothing else', async () => {
    expect(
      (await http(apps.dispositivo.url, 'GET', '/metrics', undefined, { apiKey: null })).status,
    ).toBe(401);
    expect(
      (await fetch(`http://127.0.0.1:${port.dispositivo}/api/dispositivo/lecturas`)).status,
    ).toBe(404);
  });
});

import { signCaller } from '@iot/http';
import { request } from 'node:http';
import { AppProcess, spawnApp } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_API_KEY, voltaje } from '../support/dispositivo';
import { createTestKeyStore, TEST_GATEWAY_SECRET, TestKeyStore } from '../support/gateway';
import { http } from '../support/http';
import { waitFor } from '../support/wait';
import { keyIdOf } from '@iot/contracts';

const reading = voltaje;

/** Stored keys with roles, through a gateway process in front of both services. */
describe('gateway keys and roles', () => {
  let store: TestKeyStore;
  let db: TestDatabase;
  let fdb: TestDatabase;
  let dispositivo: AppProcess;
  let facturacion: AppProcess;
  let gateway: AppProcess;
  const key: Record<'device' | 'bound' | 'staff' | 'admin', string> = {
    device: '',
    bound: '',
    staff: '',
    admin: '',
  };

  beforeAll(async () => {
    store = await createTestKeyStore();
    db = await createTestDatabase();
    fdb = await createTestDatabase();
    // the services check that a caller token names an active key of the store (issue 15)
    dispositivo = await spawnApp('dispositivo', {
      DATABASE_URL: db.url,
      GATEWAY_DATABASE_URL: store.url,
    });
    facturacion = await spawnApp('facturacion', {
      DATABASE_URL: fdb.url,
      GATEWAY_DATABASE_URL: store.url,
      DISPOSITIVO_URL: dispositivo.url,
      DISPOSITIVO_API_KEY: TEST_API_KEY,
      SYNC_CRON: 'off',
    });
    gateway = await spawnApp('gateway', {
      DATABASE_URL: store.url,
      DISPOSITIVO_URL: dispositivo.url,
      FACTURACION_URL: facturacion.url,
    });
    key.device = (await store.keys.create({ role: 'dispositivo' })).key;
    key.bound = (
      await store.keys.create({ role: 'dispositivo', series: ['AUTH-1', 'AUTH-2'] })
    ).key;
    key.staff = (await store.keys.create({ role: 'facturacion', nombre: 'billing desk' })).key;
    key.admin = (await store.keys.create({ role: 'admin' })).key;
    await new Promise((r) => setTimeout(r, 500)); // the gateway reloads keys every 200 ms here
  });
  afterAll(async () => {
    await Promise.all([dispositivo, facturacion, gateway].map((p) => p?.kill('SIGTERM')));
    await store?.close();
    await Promise.all([db, fdb].map((d) => d?.drop()));
  });

  const as = (apiKey: string | null, method: string, path: string, body?: unknown) =>
    http(gateway.url, method, path, body, { apiKey });

  it('answers 401 in JSON without a key, with a wrong one or a near miss; /health is open', async () => {
    for (const apiKey of [null, 'nope', `${key.admin}x`, key.admin.slice(0, -1)]) {
      const res = await as(apiKey, 'GET', '/api/dispositivo/lecturas');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        statusCode: 401,
        message: expect.stringMatching(/API key/),
      });
    }
    expect((await as(null, 'POST', '/api/dispositivo/envio', reading('AUTH-0', 0))).status).toBe(
      401,
    );
    expect((await as(null, 'GET', '/health')).status).toBe(200);
    expect((await as(null, 'GET', '/api/nada')).status).toBe(401); // no route discovery
    expect((await as(key.admin, 'GET', '/api/nada')).status).toBe(404);
  });

  it('lets a dispositivo key send readings and nothing else', async () => {
    expect(
      (await as(key.device, 'POST', '/api/dispositivo/envio', reading('AUTH-9', 1))).status,
    ).toBe(201);
    const batch = await as(key.device, 'POST', '/api/dispositivo/lecturas', [reading('AUTH-9', 2)]);
    expect(batch.status).toBe(200);
    expect(batch.body.stored).toBe(1);
    for (const [method, path] of [
      ['GET', '/api/dispositivo/lecturas'],
      ['GET', '/api/dispositivo/rechazadas'],
      ['POST', '/api/dispositivo/solicitud'],
      ['GET', '/api/facturacion/variables'],
      ['POST', '/api/facturacion/sincronizaciones'],
      ['GET', '/api/gateway/keys'],
      ['POST', '/api/dispositivo/envio/'],
      ['GET', '/api/dispositivo/envio'],
    ]) {
      const res = await as(key.device, method, path);
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.body.message).toMatch(/dispositivo key may not/);
    }
  });

  it('refuses readings for serials a bound key does not hold: 403 alone, rejected in a batch', async () => {
    expect(
      (await as(key.bound, 'POST', '/api/dispositivo/envio', reading('AUTH-1', 3))).status,
    ).toBe(201);
    const other = await as(key.bound, 'POST', '/api/dispositivo/envio', reading('AUTH-3', 3));
    expect(other.status).toBe(403);
    expect(other.body.errors).toEqual([
      { field: 'numeroSerie', reason: 'is not bound to this API key' },
    ]);
    const batch = await as(key.bound, 'POST', '/api/dispositivo/lecturas', [
      reading('AUTH-2', 4),
      reading('AUTH-3', 4),
      reading('AUTH-1', 4),
    ]);
    expect(batch.body).toMatchObject({ stored: 2, rejected: 1 });
    expect(batch.body.items[1]).toEqual({
      indice: 1,
      estado: 'rejected',
      errors: [{ field: 'numeroSerie', reason: 'is not bound to this API key' }],
    });
    const stored = await http(
      dispositivo.url,
      'GET',
      '/api/dispositivo/lecturas?numeroSerie=AUTH-3',
    );
    expect(stored.body.lecturas).toEqual([]);
  });

  it('replaces whatever caller header a client sends with its own', async () => {
    // even a token signed with the real secret: the gateway strips it and signs the key it checked
    const admin = signCaller(
      { role: 'admin', keyId: 'forged' },
      TEST_GATEWAY_SECRET,
      Math.floor(Date.now() / 1000) + 60,
    );
    const res = await fetch(`${gateway.url}/api/dispositivo/envio`, {
      method: 'POST',
      headers: {
        'x-api-key': key.bound,
        'x-iot-caller': admin,
        'content-type': 'application/json',
      },
      body: JSON.stringify(reading('AUTH-5', 1)),
    });
    expect(res.status).toBe(403);
  });

  it('gives billing staff facturacion and nothing of dispositivo', async () => {
    expect((await as(key.staff, 'GET', '/api/facturacion/variables')).status).toBe(200);
    expect((await as(key.staff, 'POST', '/api/facturacion/sincronizaciones')).status).toBe(202);
    expect((await as(key.staff, 'GET', '/api/facturacion/sincronizaciones')).status).toBe(200);
    for (const [method, path] of [
      ['POST', '/api/dispositivo/envio'],
      ['GET', '/api/dispositivo/lecturas'],
      ['GET', '/api/gateway/keys'],
    ]) {
      const body = method === 'POST' ? reading('AUTH-9', 5) : undefined;
      expect([path, (await as(key.staff, method, path, body)).status]).toEqual([path, 403]);
    }
  });

  it('gives admin everything but the internal export, and refuses ambiguous paths', async () => {
    for (const path of [
      '/api/dispositivo/lecturas?numeroSerie=AUTH-1',
      '/api/dispositivo/rechazadas',
      '/api/facturacion/variables',
      '/api/gateway/keys',
    ]) {
      expect([path, (await as(key.admin, 'GET', path)).status]).toEqual([path, 200]);
    }
    expect((await as(key.admin, 'GET', '/api/dispositivo/exportacion')).status).toBe(404);
    for (const path of [
      '/api/dispositivo/x/../exportacion',
      '/api/dispositivo/x/%2e%2e/exportacion',
      '/api/dispositivo/./exportacion',
      '/api/dispositivo//exportacion',
      '/api/dispositivo/x%2f..%2fexportacion',
    ]) {
      // node:http sends the path as written (fetch would resolve the dot segments first)
      const status = await new Promise<number | undefined>((resolve, reject) =>
        request(gateway.url, { path, headers: { 'x-api-key': key.admin } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
          .on('error', reject)
          .end(),
      );
      expect([path, status]).toEqual([path, 400]);
    }
  });

  it('creates keys over HTTP (secret shown once), validates input, and revokes', async () => {
    const created = await as(key.admin, 'POST', '/api/gateway/keys', {
      role: 'dispositivo',
      series: ['AUTH-7'],
      nombre: 'meter 7',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      role: 'dispositivo',
      series: ['AUTH-7'],
      revokedAt: null,
    });
    expect(created.body.key).toMatch(new RegExp(`^iot_${created.body.id}_`));
    const listed = await as(key.admin, 'GET', '/api/gateway/keys');
    const entry = listed.body.find((k: { id: string }) => k.id === created.body.id);
    expect(entry).toMatchObject({ nombre: 'meter 7' });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key.slice(-20));

    for (const [body, field] of [
      [{ role: 'root' }, 'role'],
      [{ role: 'facturacion', series: ['X'] }, 'series'],
      [{ role: 'dispositivo', series: ['bad/serie'] }, 'series[0]'],
      [{ role: 'dispositivo', series: [] }, 'series'],
      [{ role: 'admin', nombre: 'a\u0000b' }, 'nombre'],
    ] as const) {
      const res = await as(key.admin, 'POST', '/api/gateway/keys', body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await as(key.admin, 'DELETE', '/api/gateway/keys/nonexistent')).status).toBe(404);
    await new Promise((r) => setTimeout(r, 500));
    expect(
      (await as(created.body.key, 'POST', '/api/dispositivo/envio', reading('AUTH-7', 1))).status,
    ).toBe(201);
    const revoked = await as(key.admin, 'DELETE', `/api/gateway/keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    await new Promise((r) => setTimeout(r, 500));
    expect(
      (await as(created.body.key, 'POST', '/api/dispositivo/envio', reading('AUTH-7', 2))).status,
    ).toBe(401);
  });

  it('serves one public Swagger UI at /docs covering both services and its own routes, no secrets', async () => {
    const ui = await fetch(`${gateway.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const init = await (await fetch(`${gateway.url}/docs/swagger-ui-init.js`)).text();
    for (const name of ['dispositivo', 'facturacion', 'gateway']) {
      expect(init).toContain(`/docs/${name}.json`);
    }
    const docs: Record<string, { paths: Record<string, unknown>; components: any }> = {};
    for (const name of ['dispositivo', 'facturacion', 'gateway']) {
      const res = await fetch(`${gateway.url}/docs/${name}.json`);
      expect([name, res.status]).toEqual([name, 200]);
      docs[name] = (await res.json()) as (typeof docs)[string];
      expect(docs[name].components.securitySchemes.apiKey).toEqual({
        type: 'apiKey',
        in: 'header',
        name: 'x-api-key',
      });
    }
    expect(Object.keys(docs.dispositivo.paths)).toEqual(
      expect.arrayContaining([
        '/api/dispositivo/envio',
        '/api/dispositivo/lecturas',
        '/api/dispositivo/rechazadas',
      ]),
    );
    expect(Object.keys(docs.dispositivo.paths)).not.toContain('/api/dispositivo/exportacion');
    expect(JSON.stringify(docs.dispositivo)).toContain('"numeroSerie"');
    expect(Object.keys(docs.facturacion.paths)).toEqual(
      expect.arrayContaining([
        '/api/facturacion/variables/{nombre}/resumen',
        '/api/facturacion/sincronizaciones',
      ]),
    );
    expect(Object.keys(docs.gateway.paths)).toEqual(expect.arrayContaining(['/api/gateway/keys']));
    const all = JSON.stringify(docs) + init;
    for (const secret of [TEST_API_KEY, TEST_GATEWAY_SECRET, key.admin, 'postgres://']) {
      expect(all).not.toContain(secret);
    }
  });

  describe('calling the services directly (the side door)', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const direct = (path: string, headers: Record<string, string>, body?: unknown) =>
      fetch(`${dispositivo.url}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { ...headers, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });

    it('refuses callers without a service key or a gateway token', async () => {
      expect((await direct('/api/dispositivo/envio', {}, reading('SIDE-1', 1))).status).toBe(401);
      // a stored key means nothing to a service: only the gateway checks those
      expect(
        (await direct('/api/dispositivo/envio', { 'x-api-key': key.admin }, reading('SIDE-1', 1)))
          .status,
      ).toBe(401);
      const forged = signCaller(
        { role: 'admin', keyId: 'x' },
        'not-the-secret'.repeat(3),
        now() + 60,
      );
      const expired = signCaller({ role: 'admin', keyId: 'x' }, TEST_GATEWAY_SECRET, now() - 1);
      for (const token of [forged, expired, 'garbage', `${forged.split('.')[0]}.`]) {
        const res = await direct('/api/dispositivo/lecturas', { 'x-iot-caller': token });
        expect(res.status).toBe(401);
      }
      // unknown routes too: no route discovery without a key
      expect((await direct('/api/facturacion/variables', {})).status).toBe(401);
    });

    const idOf = (k: string) => keyIdOf(k)!;

    it('accepts the gateway token (serial binding included) but never on the internal export', async () => {
      const bound = signCaller(
        { role: 'dispositivo', keyId: idOf(key.bound), series: ['AUTH-1', 'AUTH-2'] },
        TEST_GATEWAY_SECRET,
        now() + 60,
      );
      expect(
        (await direct('/api/dispositivo/envio', { 'x-iot-caller': bound }, reading('AUTH-2', 7)))
          .status,
      ).toBe(201);
      expect(
        (await direct('/api/dispositivo/envio', { 'x-iot-caller': bound }, reading('SIDE-3', 1)))
          .status,
      ).toBe(403);
      const admin = signCaller(
        { role: 'admin', keyId: idOf(key.admin) },
        TEST_GATEWAY_SECRET,
        now() + 60,
      );
      expect(
        (await direct('/api/dispositivo/exportacion?variables=voltaje', { 'x-iot-caller': admin }))
          .status,
      ).toBe(403);
      expect(
        (
          await direct('/api/dispositivo/exportacion?variables=voltaje', {
            'x-api-key': TEST_API_KEY,
          })
        ).status,
      ).toBe(200);
    });

    const token = (role: 'dispositivo' | 'facturacion' | 'admin', keyId: string, ttl = 60) =>
      signCaller({ role, keyId }, TEST_GATEWAY_SECRET, now() + ttl);
    const at = (base: string, path: string, caller: string, method = 'GET') =>
      fetch(`${base}${path}`, {
        method,
        headers: { 'x-iot-caller': caller, 'content-type': 'application/json' },
        body: method === 'POST' ? '{}' : undefined,
      });

    it('holds a genuine token to its role: a device token reads nothing (issue 15)', async () => {
      const device = token('dispositivo', idOf(key.device));
      for (const [base, path, method] of [
        [dispositivo.url, '/api/dispositivo/lecturas?numeroSerie=AUTH-1', 'GET'],
        [dispositivo.url, '/api/dispositivo/rechazadas', 'GET'],
        [dispositivo.url, '/api/dispositivo/solicitud', 'POST'],
        [dispositivo.url, '/api/dispositivo/%6cecturas?numeroSerie=AUTH-1', 'GET'],
        [facturacion.url, '/api/facturacion/variables', 'GET'],
        [facturacion.url, '/api/facturacion/sincronizaciones', 'POST'],
      ]) {
        const res = await at(base, path, device, method);
        expect([path, res.status]).toEqual([path, 403]);
      }
      const staff = token('facturacion', idOf(key.staff));
      expect((await at(dispositivo.url, '/api/dispositivo/rechazadas', staff)).status).toBe(403);
      expect((await at(facturacion.url, '/api/facturacion/variables', staff)).status).toBe(200);
    });

    it('refuses tokens signed for longer than their lifetime plus skew', async () => {
      for (const ttl of [91, 3600, 10 * 365 * 86_400]) {
        const res = await at(
          facturacion.url,
          '/api/facturacion/variables',
          token('admin', idOf(key.admin), ttl),
        );
        expect([ttl, res.status]).toEqual([ttl, 401]);
      }
      const ok = await at(
        facturacion.url,
        '/api/facturacion/variables',
        token('admin', idOf(key.admin), 89),
      );
      expect(ok.status).toBe(200);
    });

    it('refuses tokens naming an unknown key, another role than the key has, or a revoked key', async () => {
      for (const caller of [
        token('admin', 'nosuchkey000'),
        token('admin', idOf(key.staff)),
        signCaller(
          { role: 'dispositivo', keyId: idOf(key.bound) },
          TEST_GATEWAY_SECRET,
          now() + 60,
        ),
      ]) {
        expect((await at(facturacion.url, '/api/facturacion/variables', caller)).status).toBe(401);
      }
      const doomed = await store.keys.create({ role: 'facturacion' });
      const caller = token('facturacion', doomed.apiKey.id);
      await waitFor(
        async () =>
          (await at(facturacion.url, '/api/facturacion/variables', caller)).status === 200,
        10_000,
        'the new key to reach facturacion',
      );
      await store.keys.revoke(doomed.apiKey.id);
      const revokedAt = Date.now();
      await waitFor(
        async () =>
          (await at(facturacion.url, '/api/facturacion/variables', caller)).status === 401,
        10_000,
        'the revocation to reach facturacion',
      );
      expect(Date.now() - revokedAt).toBeLessThan(5000);
    });
  });
});

describe('revocation across gateway instances', () => {
  it('takes effect on every instance within 5 s with the default refresh', async () => {
    const store = await createTestKeyStore();
    const db = await createTestDatabase();
    const dispositivo = await spawnApp('dispositivo', { DATABASE_URL: db.url });
    const env = { DATABASE_URL: store.url, DISPOSITIVO_URL: dispositivo.url, KEYS_REFRESH_MS: '' };
    const gateways = await Promise.all([spawnApp('gateway', env), spawnApp('gateway', env)]);
    try {
      const { apiKey, key } = await store.keys.create({ role: 'dispositivo' });
      const status = (g: AppProcess, i: number) =>
        http(g.url, 'POST', '/api/dispositivo/envio', reading('REV-1', i), { apiKey: key }).then(
          (r) => r.status,
        );
      // accepted on both once loaded (the default refresh is 2 s)
      const until = Date.now() + 5000;
      let i = 0;
      while ((await status(gateways[0], i++)) !== 201 || (await status(gateways[1], i++)) !== 201) {
        expect(Date.now()).toBeLessThan(until);
        await new Promise((r) => setTimeout(r, 100));
      }
      await store.keys.revoke(apiKey.id);
      const revokedAt = Date.now();
      const refusedAfter: number[] = [];
      for (const g of gateways) {
        while ((await status(g, i++)) !== 401) {
          expect(Date.now() - revokedAt).toBeLessThan(5000);
          await new Promise((r) => setTimeout(r, 50));
        }
        refusedAfter.push(Date.now() - revokedAt);
      }
      expect(Math.max(...refusedAfter)).toBeLessThan(5000);
    } finally {
      await Promise.all([dispositivo, ...gateways].map((p) => p.kill('SIGTERM')));
      await store.close();
      await db.drop();
    }
  });
});

import { spawnApp } from '../support/app-process';
import { ConsulStandIn, startConsulStandIn } from '../support/consul-standin';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_API_KEY, voltaje } from '../support/dispositivo';
import { http } from '../support/http';
import { ingest, sync } from '../support/facturacion';
import { waitFor } from '../support/wait';

/** REGISTRY=consul end to end: the apps register, facturacion finds dispositivo, SIGTERM deregisters. */
describe('apps on the Consul registry (agent stand-in)', () => {
  let consul: ConsulStandIn;
  let dispositivoDb: TestDatabase;
  let facturacionDb: TestDatabase;
  beforeAll(async () => {
    consul = await startConsulStandIn({ checkIntervalMs: 200 });
    dispositivoDb = await createTestDatabase();
    facturacionDb = await createTestDatabase();
  });
  afterAll(async () => {
    await consul.close();
    await dispositivoDb.drop();
    await facturacionDb.drop();
  });

  it('registers each app with its real port, routes the pull through it, deregisters on SIGTERM', async () => {
    const registry = { REGISTRY: 'consul', CONSUL_URL: consul.url, SERVICE_ADDRESS: '127.0.0.1' };
    const dispositivo = await spawnApp('dispositivo', {
      ...registry,
      DATABASE_URL: dispositivoDb.url,
    });
    const facturacion = await spawnApp('facturacion', {
      ...registry,
      DATABASE_URL: facturacionDb.url,
      DISPOSITIVO_API_KEY: TEST_API_KEY,
      // a wrong static URL: only the registry can lead it to dispositivo
      DISPOSITIVO_URL: 'http://127.0.0.1:1',
      SYNC_CRON: 'off',
      SYNC_RETRIES: '1',
      SYNC_RETRY_DELAY_MS: '100',
    });
    const passing = (name: string) =>
      consul.services().filter((s) => s.name === name && s.status === 'passing');
    await waitFor(
      () =>
        Promise.resolve(passing('dispositivo').length === 1 && passing('facturacion').length === 1),
      10_000,
      'both apps registered and passing',
    );
    expect(passing('dispositivo')[0]).toMatchObject({
      address: '127.0.0.1',
      port: dispositivo.port,
    });
    expect(passing('facturacion')[0].port).toBe(facturacion.port);

    await ingest(dispositivo.url, [
      {
        nombreVariable: 'voltaje',
        numeroSerie: 'REG1',
        estampaTiempo: 1767225600000,
        valorVariable: 1,
      },
    ]);
    const run = await sync(facturacion);
    expect(run).toMatchObject({ estado: 'completada' });
    expect(run.variables.voltaje.filas).toBe(1);

    const id = consul.services().find((s) => s.name === 'dispositivo')?.id;
    await dispositivo.kill('SIGTERM');
    expect(consul.requests).toContain(`PUT /v1/agent/service/deregister/${id}`);
    expect(consul.services().filter((s) => s.name === 'dispositivo')).toEqual([]);
    // with no instance left, the next run fails saying so, and facturacion stays up
    const failed = await sync(facturacion);
    expect(failed.estado).toBe('fallida');
    expect(failed.error).toContain('no instance of dispositivo is available');
    await facturacion.kill('SIGTERM');
  });
});

/** The gateway on the Consul registry: two dispositivo instances found there take turns; a third joins and one leaves. */
describe('gateway on the Consul registry (agent stand-in)', () => {
  it('spreads requests over the passing instances and follows them joining and leaving', async () => {
    const consul = await startConsulStandIn({ checkIntervalMs: 200 });
    const db = await createTestDatabase();
    const registry = { REGISTRY: 'consul', CONSUL_URL: consul.url, SERVICE_ADDRESS: '127.0.0.1' };
    const start = () => spawnApp('dispositivo', { ...registry, DATABASE_URL: db.url });
    const instances = [await start(), await start()];
    // the gateway is ready only with an instance of each service
    const fdb = await createTestDatabase();
    const facturacion = await spawnApp('facturacion', {
      ...registry,
      DATABASE_URL: fdb.url,
      DISPOSITIVO_API_KEY: TEST_API_KEY,
      SYNC_CRON: 'off',
    });
    const gateway = await spawnApp('gateway', {
      ...registry,
      LOG_LEVEL: 'info',
      DISPOSITIVO_URL: 'http://127.0.0.1:1', // ignored: REGISTRY=consul
    });
    try {
      const served = async (n: number, tag: string): Promise<Set<string>> => {
        const upstreams = new Set<string>();
        for (let i = 0; i < n; i++) {
          const res = await http(gateway.url, 'POST', '/api/dispositivo/envio', voltaje(tag, i));
          expect(res.status).toBe(201);
        }
        for (const line of gateway.output().split('\n')) {
          if (!line.includes('"component":"access"') || !line.includes('/envio')) continue;
          upstreams.add((JSON.parse(line) as { upstream: string }).upstream);
        }
        return upstreams;
      };
      // Consul instance ids: <service>-<host>-<port>
      const portOf = (id: string) => Number(id.split('-').pop());
      await waitFor(
        async () => (await gateway.health())?.info?.dispositivo?.instances === 2,
        10_000,
        'the gateway sees both instances',
      );
      expect([...(await served(10, 'CONSUL-A'))].map(portOf).sort()).toEqual(
        instances.map((i) => i.port).sort(),
      );

      instances.push(await start());
      await waitFor(
        async () => (await gateway.health())?.info?.dispositivo?.instances === 3,
        10_000,
        'a new instance is used',
      );
      await instances[0].kill('SIGTERM'); // deregisters
      await waitFor(
        async () => (await gateway.health())?.info?.dispositivo?.instances === 2,
        10_000,
        'a gone instance is dropped',
      );
      const before = gateway.output().length;
      await served(10, 'CONSUL-B');
      const after = new Set(
        gateway
          .output()
          .slice(before)
          .split('\n')
          .filter((l) => l.includes('"component":"access"') && l.includes('/envio'))
          .map((l) => portOf((JSON.parse(l) as { upstream: string }).upstream)),
      );
      expect([...after].sort()).toEqual([instances[1].port, instances[2].port].sort());
    } finally {
      await Promise.all([gateway, facturacion, ...instances].map((p) => p.kill('SIGTERM')));
      await consul.close();
      await Promise.all([db, fdb].map((d) => d.drop()));
    }
  });
});

import { spawnApp } from '../support/app-process';
import { ConsulStandIn, startConsulStandIn } from '../support/consul-standin';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_API_KEY } from '../support/dispositivo';
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

/** @jest-environment ./test/support/outer-realm-errors.environment.ts */
import { configureLogging, ConsulRegistry } from '@iot/common';
import { createServer, Server } from 'node:http';
import { ConsulStandIn, startConsulStandIn } from '../support/consul-standin';
import { freePort } from '../support/ports';
import { waitFor } from '../support/wait';

/** A fake app instance whose /health/ready answers `status()`. */
async function fakeInstance(status: () => number): Promise<{ port: number; server: Server }> {
  const port = await freePort();
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/health/ready' ? status() : 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { port, server };
}

describe('Consul registry driver (against the agent stand-in)', () => {
  let consul: ConsulStandIn;
  const registries: ConsulRegistry[] = [];
  const servers: Server[] = [];
  const registry = (): ConsulRegistry => {
    const r = new ConsulRegistry({ url: consul.url, waitS: 2, firstLookupMs: 1000 });
    registries.push(r);
    return r;
  };
  const urls = async (r: ConsulRegistry) =>
    (await r.instances('dispositivo')).map((i) => i.url).sort();

  beforeAll(async () => {
    configureLogging({ service: 'test', level: (process.env.LOG_LEVEL as 'silent') ?? 'silent' });
    consul = await startConsulStandIn({ checkIntervalMs: 100 });
  });
  afterAll(async () => {
    await Promise.all(registries.map((r) => r.close()));
    servers.forEach((s) => s.close());
    await consul.close();
  });

  it('registers with a readiness check, resolves passing instances only, follows changes', async () => {
    let bStatus = 503;
    const a = await fakeInstance(() => 200);
    const b = await fakeInstance(() => bStatus);
    servers.push(a.server, b.server);
    const ra = registry();
    const rb = registry();
    ra.register({ name: 'dispositivo', address: '127.0.0.1', port: a.port });
    const idB = rb.register({ name: 'dispositivo', address: '127.0.0.1', port: b.port });
    await waitFor(() => Promise.resolve(consul.services().length === 2), 5000, 'two registrations');

    const caller = registry();
    await waitFor(async () => (await urls(caller)).length === 1, 5000, 'the passing instance');
    expect(await urls(caller)).toEqual([`http://127.0.0.1:${a.port}`]);
    // b becomes ready: picked up by the blocking query, no restart
    bStatus = 200;
    await waitFor(async () => (await urls(caller)).length === 2, 5000, 'b to be followed');
    // a dies: dropped once its check fails
    a.server.close();
    a.server.closeAllConnections();
    await waitFor(
      async () =>
        JSON.stringify(await urls(caller)) === JSON.stringify([`http://127.0.0.1:${b.port}`]),
      5000,
      'a to be dropped',
    );
    // deregistered on close (what SIGTERM does)
    await rb.close();
    expect(consul.requests).toContain(`PUT /v1/agent/service/deregister/${idB}`);
    expect(consul.services().map((x) => x.id)).not.toContain(idB);
    await waitFor(async () => (await urls(caller)).length === 0, 5000, 'b to be gone');
  });

  it('keeps the last known instances while the agent is down, and follows it again after', async () => {
    const c = await fakeInstance(() => 200);
    servers.push(c.server);
    registry().register({ name: 'dispositivo', address: '127.0.0.1', port: c.port });
    const caller = registry();
    await waitFor(async () => (await urls(caller)).length === 1, 5000, 'c');
    await consul.stop();
    await new Promise((r) => setTimeout(r, 500));
    expect(await urls(caller)).toEqual([`http://127.0.0.1:${c.port}`]);
    await consul.start();
    const d = await fakeInstance(() => 200);
    servers.push(d.server);
    registry().register({ name: 'dispositivo', address: '127.0.0.1', port: d.port });
    await waitFor(
      async () => (await urls(caller)).length === 2,
      10_000,
      'd after the agent came back',
    );
  });

  it('registers again when the agent forgets it (a dev-mode agent restarted)', async () => {
    const f = await fakeInstance(() => 200);
    servers.push(f.server);
    const r = new ConsulRegistry({
      url: consul.url,
      waitS: 2,
      firstLookupMs: 1000,
      reregisterMs: 200,
    });
    registries.push(r);
    const id = r.register({ name: 'gateway', address: '127.0.0.1', port: f.port });
    const registrada = () => Promise.resolve(consul.services().some((x) => x.id === id));
    await waitFor(registrada, 5000, 'registered');
    consul.forget();
    expect(await registrada()).toBe(false);
    await waitFor(registrada, 5000, 'registered again');
  });

  it('starts without an agent: no instances, no throw, and registers once it appears', async () => {
    await consul.stop();
    const e = await fakeInstance(() => 200);
    servers.push(e.server);
    const late = registry();
    const id = late.register({ name: 'facturacion', address: '127.0.0.1', port: e.port });
    const t0 = Date.now();
    expect(await late.instances('facturacion')).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(3000);
    await consul.start();
    await waitFor(
      () => Promise.resolve(consul.services().some((x) => x.id === id)),
      10_000,
      'late registration',
    );
    await waitFor(
      async () => (await late.instances('facturacion')).length === 1,
      10_000,
      'resolved',
    );
  });
});

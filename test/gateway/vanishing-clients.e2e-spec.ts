import autocannon from 'autocannon';
import { TEST_API_KEY } from '../support/dispositivo';
import { useGatewayOverBigExport } from '../support/gateway-big-export';

const solicitud = (url: string, signal?: AbortSignal) =>
  fetch(`${url}/api/dispositivo/solicitud`, {
    method: 'POST',
    headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ nombreVariable: 'voltaje', findUltimoIdDispositivo: null }),
    signal,
  });

/** Clients that vanish mid-response, then a SIGTERM. Its own processes. */
describe('gateway with vanishing clients', () => {
  const suite = useGatewayOverBigExport({ SHUTDOWN_GRACE_MS: '2000' });

  it('takes clients that go away mid-response calmly: no error logged, still serving', async () => {
    // a whole 117 MB answer first: with it and the aborted ones below, the gateway once took
    // 68 s to exit on SIGTERM (each alone: under 20 ms)
    expect((await (await solicitud(suite.gateway.url)).arrayBuffer()).byteLength).toBeGreaterThan(
      100e6,
    );
    const abort = new AbortController();
    const res = await solicitud(suite.gateway.url, abort.signal);
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.cancel().catch(() => undefined);
    // and a load generator that stops with requests in flight (as autocannon does)
    await autocannon({
      url: `${suite.gateway.url}/api/dispositivo/envio`,
      method: 'POST',
      connections: 64,
      duration: 1,
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        nombreVariable: 'voltaje',
        numeroSerie: 'ABORT',
        estampaTiempo: 1767225600000,
        valorVariable: 1,
      }),
    });
    await new Promise((r) => setTimeout(r, 500));
    // LOG_LEVEL=error: any line is an error or worse
    expect(suite.gateway.output().trim()).toBe('');
    const health = await fetch(`${suite.gateway.url}/health`);
    expect(health.status).toBe(200);
  });

  it('exits on SIGTERM within its shutdown grace, whatever connections are left', async () => {
    // a client that holds a response open and never reads
    const held = await solicitud(suite.gateway.url);
    const started = Date.now();
    await suite.gateway.kill('SIGTERM');
    expect(Date.now() - started).toBeLessThan(2000 + 3000);
    await held.body?.cancel().catch(() => undefined);
  });
});

import autocannon from 'autocannon';
import { TEST_API_KEY } from '../support/dispositivo';
import { useGatewayOverBigExport } from '../support/gateway-big-export';

/**
 * Clients that vanish mid-response. Its own processes: a gateway that had
 * served a whole 117 MB stream and then these took 68 s to exit on SIGTERM
 * (each alone: under 20 ms), an open finding (README, Gateway).
 */
describe('gateway with vanishing clients', () => {
  const suite = useGatewayOverBigExport();

  it('takes clients that go away mid-response calmly: no error logged, still serving', async () => {
    const abort = new AbortController();
    const res = await fetch(`${suite.gateway.url}/api/dispositivo/solicitud`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ nombreVariable: 'voltaje', findUltimoIdDispositivo: null }),
      signal: abort.signal,
    });
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
});

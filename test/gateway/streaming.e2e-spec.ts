import { readFileSync } from 'node:fs';
import { TEST_API_KEY } from '../support/dispositivo';
import { useGatewayOverBigExport } from '../support/gateway-big-export';

const rssMb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** A 100 MB response crosses the gateway as a stream: its memory does not grow with it. */
describe('gateway streaming', () => {
  const suite = useGatewayOverBigExport();

  it('streams a 100 MB JSON array through with flat gateway memory', async () => {
    const before = rssMb(suite.gateway.child.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(suite.gateway.child.pid!))), 50);
    const res = await fetch(`${suite.gateway.url}/api/dispositivo/solicitud`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ nombreVariable: 'voltaje', findUltimoIdDispositivo: null }),
    });
    expect(res.status).toBe(200);
    let bytes = 0;
    let last = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      last = Buffer.from(chunk).toString().slice(-1) || last;
    }
    clearInterval(sampler);
    expect(bytes).toBeGreaterThan(100 * 1024 * 1024);
    expect(last).toBe(']'); // the whole array arrived
    expect(peak - before).toBeLessThan(64);
  });
});

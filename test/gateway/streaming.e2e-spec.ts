import { readFileSync } from 'node:fs';
import { TEST_API_KEY } from '../support/dispositivo';
import { useGatewayOverBigExport } from '../support/gateway-big-export';

const rssMb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** 100 MB responses cross the gateway as streams: its memory does not grow with them. */
describe('gateway streaming', () => {
  const suite = useGatewayOverBigExport();

  it('streams a 100 MB JSON array through with flat gateway memory', async () => {
    // first use of the proxy path loads and compiles code and opens the upstream pool:
    // measured from after one small proxied request, the growth is the stream's alone
    const warm = await fetch(
      `${suite.gateway.url}/api/dispositivo/lecturas?numeroSerie=STREAM-0001`,
      {
        headers: { 'x-api-key': TEST_API_KEY },
      },
    );
    expect(warm.status).toBe(200);
    await warm.arrayBuffer();
    const before = rssMb(suite.gateway.child.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(suite.gateway.child.pid!))), 50);
    const streamOnce = async (): Promise<void> => {
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
      expect(bytes).toBeGreaterThan(100 * 1024 * 1024);
      expect(last).toBe(']'); // the whole array arrived
    };
    await streamOnce();
    const afterFirst = peak;
    await streamOnce();
    clearInterval(sampler);
    // never held whole (the body is 117 MB; Node 20 grew 19 MB, Node 24's larger heap
    // sizing 77 MB), and a second 117 MB adds nothing: memory does not grow with volume
    expect(afterFirst - before).toBeLessThan(100);
    expect(peak - afterFirst).toBeLessThan(16);
  });
});

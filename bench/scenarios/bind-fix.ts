import { httpLoad } from '../lib/load';
import { freePort, runNode, waitHttp } from '../lib/processes';
import { median, printTable, ratio, saveResult } from '../lib/report';
import type { BenchContext } from '../lib/context';

/**
 * Does the AsyncResource#bind fix still pay on the runtime in use? A Fastify
 * echo route with and without it, alternating in each round.
 */
export async function bindFix(ctx: BenchContext): Promise<void> {
  const rates: Record<'native' | 'fixed', number[]> = { native: [], fixed: [] };
  for (let round = 0; round < ctx.rounds; round++) {
    for (const variant of ['native', 'fixed'] as const) {
      const port = await freePort();
      const child = runNode('bench/baselines/fastify-echo.js', {
        PORT: String(port),
        BIND_FIX: variant === 'fixed' ? '1' : '0',
      });
      const url = `http://127.0.0.1:${port}`;
      await waitHttp(`${url}/echo`); // GET answers 404: listening
      const r = await httpLoad({
        url,
        path: '/echo',
        connections: 64,
        durationS: ctx.durationS,
        body: () =>
          '{"nombreVariable":"voltaje","numeroSerie":"A","estampaTiempo":1,"valorVariable":1}',
      });
      await child.stop();
      rates[variant].push(r.requests / r.durationS);
    }
    process.stdout.write(`round ${round + 1}/${ctx.rounds} done\n`);
  }
  const native = median(rates.native);
  const fixed = median(rates.fixed);
  printTable(
    `AsyncResource#bind fix on Node ${process.version} (Fastify echo, requests/s, median of ${ctx.rounds})`,
    [
      { run: 'native bind', readingsPerS: Math.round(native) },
      { run: 'with the fix', readingsPerS: Math.round(fixed) },
    ],
  );
  process.stdout.write(`ratio with/without the fix: ${ratio(fixed, native)}\n`);
  saveResult('bind-fix', { node: process.version, rates, ratio: fixed / native });
}

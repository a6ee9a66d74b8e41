import { AppProcess, spawnApp } from '../support/app-process';
import { TEST_API_KEY, voltaje } from '../support/dispositivo';
import { DispositivoFleet, startDispositivos } from '../support/fleet';
import { waitFor } from '../support/wait';

const reading = (i: number) => voltaje('FO1', i);

/** Two dispositivo instances behind a gateway process; one is killed under load and comes back. */
describe('gateway failover', () => {
  let fleet: DispositivoFleet;
  let a: AppProcess;
  let b: AppProcess;
  let gateway: AppProcess;
  beforeAll(async () => {
    fleet = await startDispositivos(2);
    [a, b] = fleet.instances;
    gateway = await spawnApp('gateway', {
      LOG_LEVEL: 'info',
      DISPOSITIVO_URL: `${a.url},${b.url}`,
      GATEWAY_EJECT_AFTER_FAILURES: '1',
      GATEWAY_EJECT_MS: '500',
    });
  });
  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await fleet?.stop();
  });

  const post = async (i: number): Promise<number> => {
    const res = await fetch(`${gateway.url}/api/dispositivo/envio`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(reading(i)),
    }).catch(() => undefined);
    return res?.status ?? 0;
  };

  it('loses only the requests in flight on a killed instance, sends no POST twice, uses it again', async () => {
    const statuses = new Map<number, number>();
    let next = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const i = next++;
        statuses.set(i, await post(i));
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    await waitFor(() => Promise.resolve(next > 300), 20_000, 'load');
    await b.kill('SIGKILL');
    const killedAt = next;
    await waitFor(() => Promise.resolve(next > killedAt + 300), 20_000, 'load after the kill');
    // b comes back on its port and takes traffic again
    b = await spawnApp('dispositivo', { DATABASE_URL: fleet.db.url }, b.port);
    fleet.instances[1] = b;
    const back = next;
    const returned = Date.now();
    // past the 500 ms ejection, and enough requests for both instances to show
    await waitFor(
      () => Promise.resolve(next > back + 300 && Date.now() - returned > 1500),
      20_000,
      'load after the return',
    );
    stop = true;
    await load;

    const failed = [...statuses].filter(([, s]) => s !== 201);
    // at most the 8 requests that were on b when it died (the workers' concurrency)
    expect(failed.length).toBeLessThanOrEqual(8);
    expect(failed.every(([, s]) => s === 502)).toBe(true); // never 200: no POST sent twice
    const { Client } = await import('pg');
    const pg = new Client({ connectionString: fleet.db.url });
    await pg.connect();
    const { rows } = await pg.query<{ v: number }>(
      `SELECT valor_variable AS v FROM lectura WHERE numero_serie = 'FO1'`,
    );
    await pg.end();
    const stored = new Set(rows.map((r) => r.v));
    // every acknowledged reading is stored, once; a POST the gateway sent twice would have
    // answered 200 ("duplicate"), which the check above already rules out
    for (const [i, s] of statuses) if (s === 201) expect(stored.has(i)).toBe(true);
    expect(rows.length).toBe(stored.size);
    // b served requests again after it came back
    const lines = gateway
      .output()
      .split('\n')
      .filter((l) => l.includes('"component":"access"'))
      .map((l) => JSON.parse(l) as { upstream?: string; time: string });
    const afterReturn = lines.slice(-200).filter((l) => l.upstream === `dispositivo@${b.url}`);
    expect(afterReturn.length).toBeGreaterThan(20);
  });
});

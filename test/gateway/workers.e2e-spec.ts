import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AppProcess, spawnApp } from '../support/app-process';
import { voltaje } from '../support/dispositivo';
import { http } from '../support/http';
import { DispositivoFleet, startDispositivos } from '../support/fleet';
import { waitFor } from '../support/wait';

const workersOf = (pid: number): number[] => {
  const out = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return out ? out.split('\n').map(Number) : [];
};

/** GATEWAY_WORKERS: processes sharing the port, supervised by the primary. */
describe('gateway workers', () => {
  let fleet: DispositivoFleet;
  let dispositivo: AppProcess;
  let gateway: AppProcess;
  beforeAll(async () => {
    fleet = await startDispositivos(1);
    [dispositivo] = fleet.instances;
    gateway = await spawnApp('gateway', {
      GATEWAY_WORKERS: '2',
      DISPOSITIVO_URL: dispositivo.url,
      FACTURACION_URL: dispositivo.url,
    });
  });
  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    await fleet?.stop();
  });

  it('serves from two workers, replaces one killed -9, and stops them all on SIGTERM', async () => {
    const pid = gateway.child.pid!;
    await waitFor(() => Promise.resolve(workersOf(pid).length === 2), 10_000, 'two workers');
    let i = 0;
    const send = async (n: number) => {
      for (let k = 0; k < n; k++) {
        expect(
          (await http(gateway.url, 'POST', '/api/dispositivo/envio', voltaje('WK', i++))).status,
        ).toBe(201);
      }
    };
    await send(20);
    const [first] = workersOf(pid);
    process.kill(first, 'SIGKILL');
    // its connections are cut (the client's pool drops them); new ones reach the other worker
    await new Promise((r) => setTimeout(r, 300));
    await send(20);
    await waitFor(
      () => Promise.resolve(workersOf(pid).length === 2 && !workersOf(pid).includes(first)),
      10_000,
      'a replacement worker',
    );
    await send(20);
    const workers = workersOf(pid);
    await gateway.kill('SIGTERM');
    for (const w of workers) expect(spawnSync('kill', ['-0', String(w)]).status).not.toBe(0);
  });

  it('checks the configuration once, before forking: exit 78', () => {
    const main = join(__dirname, '..', '..', 'dist', 'apps', 'gateway', 'src', 'main.js');
    const run = spawnSync(process.execPath, [main], {
      env: { ...process.env, GATEWAY_WORKERS: '2', GATEWAY_SECRET: '', DATABASE_URL: fleet.db.url },
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/GATEWAY_SECRET is required/);
    expect(run.stderr.match(/GATEWAY_SECRET is required/g)).toHaveLength(1);
  });
});

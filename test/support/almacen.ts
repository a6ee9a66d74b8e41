import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from './database';
import { RunningApp, startDispositivo, TEST_API_KEY } from './dispositivo';
import { http } from './http';

interface Fin {
  siguiente: string;
  completo: boolean;
  enviadas: number;
  pendientes: number;
}

type Mantenimiento = Record<string, unknown> & {
  compactadas: unknown[];
  retenidas: { particion: string; por: unknown[] }[];
};

export interface AlmacenFixture {
  db: TestDatabase;
  svc: RunningApp;
  pg: Client;
  /** One store upkeep run now; its answer. */
  mantener: () => Promise<Mantenimiento>;
  /** One export request: its readings and its closing line. */
  exportar: <T = Record<string, unknown>>(query: string) => Promise<{ lecturas: T[]; fin: Fin }>;
}

/**
 * For one spec file on the reading store's upkeep: a fresh database and
 * dispositivo with `env` (its upkeep runs at boot only; the test runs the
 * rest), a pg client, and the upkeep and export routes.
 */
export function useAlmacen(env: Record<string, string>): AlmacenFixture {
  const f = {
    ...({} as Pick<AlmacenFixture, 'db' | 'svc' | 'pg'>),
    mantener: async () => {
      const res = await http(f.svc.url, 'POST', '/api/dispositivo/almacen/mantenimiento');
      if (res.status !== 200) throw new Error(`upkeep answered ${res.status}`);
      return res.body as Mantenimiento;
    },
    exportar: async (query: string) => {
      const res = await fetch(`${f.svc.url}/api/dispositivo/exportacion?${query}`, {
        headers: { 'x-api-key': TEST_API_KEY },
      });
      if (res.status !== 200) throw new Error(`export answered ${res.status}`);
      const all = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      return {
        lecturas: all.filter((l) => 'idDispositivo' in l) as never[],
        fin: all[all.length - 1] as unknown as Fin,
      };
    },
  };
  beforeAll(async () => {
    f.db = await createTestDatabase();
    f.svc = await startDispositivo(f.db.url, { MANTENIMIENTO_ALMACEN_S: '86400', ...env });
    f.pg = new Client({ connectionString: f.db.url });
    await f.pg.connect();
  });
  afterAll(async () => {
    await f.pg.end();
    await f.svc.close();
    await f.db.drop();
  });
  return f;
}

import { AppProcess, spawnApp } from './app-process';
import { createTestDatabase, TestDatabase } from './database';

/** dispositivo instances as processes on one fresh database (what the gateway specs route to). */
export interface DispositivoFleet {
  db: TestDatabase;
  instances: AppProcess[];
  /** Every instance stopped (SIGTERM), then the database dropped. */
  stop(): Promise<void>;
}

export async function startDispositivos(
  count: number,
  env: NodeJS.ProcessEnv = {},
): Promise<DispositivoFleet> {
  const db = await createTestDatabase();
  const instances = await Promise.all(
    Array.from({ length: count }, () => spawnApp('dispositivo', { ...env, DATABASE_URL: db.url })),
  );
  return {
    db,
    instances,
    stop: async () => {
      await Promise.all(instances.map((p) => p.kill('SIGTERM')));
      await db.drop();
    },
  };
}

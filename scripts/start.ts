/**
 * `npm start`: the whole suite on one machine. Starts the embedded services
 * that are not configured (PostgreSQL, an MQTT broker), then each app as its
 * own process; restarts whatever dies (with a line saying so), gives up on an
 * app that cannot start, and stops everything on Ctrl-C / SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { APP_NODE_FLAGS } from './node-flags';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GATEWAY_DATABASE, openKeyStore } from '@iot/keys';
import { APPS, appDatabaseUrl, postgresServer } from './services';
import { Supervised } from './supervisor';

const DATA_DIR = process.env.DATA_DIR ?? '.data';
const say = (line: string): boolean => process.stdout.write(`[start] ${line}\n`);

/** A secret from the environment, or generated once and kept under .data so restarts keep it. */
function secret(name: string, file: string): string {
  const given = process.env[name];
  if (given) return given;
  const path = join(DATA_DIR, file);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(path, 'utf8').trim();
}

/**
 * The first start's keys (none when the store has an active key): printed
 * once, here, and never again (only digests are stored).
 */
async function bootstrapKeys(serverUrl: string): Promise<string[]> {
  const store = await openKeyStore(appDatabaseUrl(serverUrl, GATEWAY_DATABASE), process.env);
  try {
    const created = await store.keys.bootstrap();
    return created.map(({ apiKey, key }) => `API key (${apiKey.role})  ${key}`);
  } finally {
    await store.close();
  }
}

async function waitReady(url: string, app: Supervised, timeoutMs = 60_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  let gaveUp = false;
  void app.gaveUp.then(() => (gaveUp = true));
  while (Date.now() < until && !gaveUp) {
    const ok = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * The embedded MQTT broker (aedes) in its own process, its journal under
 * DATA_DIR/mqtt so acknowledged messages survive a crash; restarted if it dies.
 */
function startBroker(auth: NodeJS.ProcessEnv): Promise<{ url: string; broker: Supervised }> {
  const port = process.env.MQTT_BROKER_PORT ?? '11883';
  const script = join(__dirname, '..', '..', 'scripts', 'embedded-broker.mjs');
  return new Promise((resolve, reject) => {
    const broker: Supervised = new Supervised({
      name: 'mqtt broker',
      command: process.execPath,
      args: [script],
      env: {
        ...process.env,
        ...auth,
        MQTT_BROKER_PORT: port,
        MQTT_BROKER_DATA: join(DATA_DIR, 'mqtt'),
      },
      say,
      onStdout: (line) => {
        if (line.startsWith('ready')) resolve({ url: `mqtt://127.0.0.1:${port}`, broker });
      },
    });
    void broker.gaveUp.then((why) => reject(new Error(`embedded MQTT broker: ${why}`)));
  });
}

async function main(): Promise<void> {
  const postgres = await postgresServer(process.env);
  // service keys: direct calls to dispositivo and facturacion (facturacion's pull); people use the gateway's stored keys
  const keys = secret('API_KEYS', 'api-key');
  const gatewaySecret = secret('GATEWAY_SECRET', 'gateway-secret');
  const newKeys = await bootstrapKeys(postgres.url);
  const host = process.env.HOST ?? '127.0.0.1';
  const running: Supervised[] = [];
  let stopping = false;
  // aedes speaks MQTT 3.1.1 without shared subscriptions: one connection, persistent session
  let brokerProcess: Supervised | undefined;
  let mqttEnv: NodeJS.ProcessEnv = {};
  if (!process.env.MQTT_URL) {
    // devices log in with their key; dispositivo with its own generated password
    const service = {
      MQTT_USERNAME: 'dispositivo',
      MQTT_PASSWORD: secret('MQTT_PASSWORD', 'mqtt-password'),
    };
    const { url, broker } = await startBroker({
      ...service,
      MQTT_KEYS_DATABASE_URL: appDatabaseUrl(postgres.url, GATEWAY_DATABASE),
    });
    brokerProcess = broker;
    mqttEnv = { MQTT_URL: url, MQTT_PROTOCOL_VERSION: '4', MQTT_SHARED_GROUP: 'none', ...service };
  }

  const apps = new Map<string, Supervised>();
  // the static registry: where the gateway and facturacion find the others
  const registryEnv = {
    DISPOSITIVO_URL:
      process.env.DISPOSITIVO_URL ?? `http://127.0.0.1:${process.env.DISPOSITIVO_PORT ?? '8081'}`,
    FACTURACION_URL:
      process.env.FACTURACION_URL ?? `http://127.0.0.1:${process.env.FACTURACION_PORT ?? '8082'}`,
  };
  // facturacion pulls from dispositivo with the suite's key (the first of API_KEYS)
  const pullKey = process.env.DISPOSITIVO_API_KEY ?? keys.split(',')[0].trim();
  for (const app of APPS) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...mqttEnv,
      ...registryEnv,
      API_KEYS: keys,
      GATEWAY_SECRET: gatewaySecret,
      // Prometheus metrics on the app's port + 1000 (9080, 9081, 9082)
      METRICS_PORT: String(Number(process.env[app.portVar] ?? app.port) + 1000),
    };
    if (app.name === 'facturacion') env.DISPOSITIVO_API_KEY = pullKey;
    // each app creates its own database if missing (prepareDatabase)
    if (app.database) env.DATABASE_URL = appDatabaseUrl(postgres.url, app.database);
    // dispositivo and facturacion check that a caller token names an active key of the store
    if (app.name !== 'gateway') {
      env.GATEWAY_DATABASE_URL = appDatabaseUrl(postgres.url, GATEWAY_DATABASE);
    }
    const supervised = new Supervised({
      name: app.name,
      command: process.execPath,
      args: [...APP_NODE_FLAGS, join(__dirname, '..', 'apps', app.name, 'src', 'main.js')],
      env,
      say,
    });
    apps.set(app.name, supervised);
    running.push(supervised);
  }

  const stop = async (exitCode = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    // apps first (they stop consuming), then the broker, then PostgreSQL
    await Promise.all(running.map((s) => s.stop()));
    await brokerProcess?.stop();
    await postgres.stop();
    say('stopped');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGHUP', () => void stop()); // the terminal closed
  // the children have their own process groups: an unexpected exit must not orphan them
  process.on('exit', () => {
    [...running, brokerProcess].forEach((s) => s?.kill());
    postgres.kill?.();
  });

  const failed: string[] = [];
  for (const app of APPS) {
    const url = `http://${host}:${process.env[app.portVar] ?? app.port}`;
    const up = await waitReady(url, apps.get(app.name)!);
    say(`${app.name.padEnd(12)} ${url}  ${up ? 'up' : 'NOT READY'}`);
    if (!up) failed.push(app.name);
  }
  if (failed.length > 0) {
    say(`${failed.join(', ')} could not start (see above); stopping everything`);
    await stop(1);
    return;
  }
  say(
    `postgres     ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded, data in ${postgres.dataDir}`}`,
  );
  if (postgres.note) say(`postgres     ${postgres.note}`);
  say(
    `mqtt         ${mqttEnv.MQTT_URL ? `embedded broker ${mqttEnv.MQTT_URL}, journal in ${join(DATA_DIR, 'mqtt')}` : 'MQTT_URL'}`,
  );
  say(
    newKeys.length > 0
      ? 'keys         created for this first start (shown once; more with npm run keys -- create):'
      : 'keys         stored in ms_gateway (npm run keys -- list | create | revoke)',
  );
  for (const line of newKeys) say(line);
  say('ready; Ctrl-C stops everything');
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  say(`failed: ${message}`);
  process.exit(1);
});

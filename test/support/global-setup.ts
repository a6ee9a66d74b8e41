import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres';
import { harness } from './harness-state';
import { mosquittoInstalled } from './mosquitto-installed';
import { freePort } from './ports';
import { connect } from 'node:net';

/** A PING over a raw socket: no Redis client needed to decide. */
function redisAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port || 6379), u.hostname);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d: Buffer) => done(d.toString().startsWith('+PONG')));
  });
}

/**
 * Decides which PostgreSQL server the e2e run uses: TEST_DATABASE_URL when
 * given (CI: the machine's PostgreSQL), otherwise an embedded one in a temp
 * folder. Each test file then creates and drops its own database on it.
 */
export default async function globalSetup(): Promise<void> {
  process.env.LOG_LEVEL ??= 'error';
  if (!mosquittoInstalled()) {
    if (process.env.REQUIRE_MOSQUITTO === '1') {
      throw new Error('REQUIRE_MOSQUITTO=1 but mosquitto/mosquitto_ctrl are not installed');
    }
    process.stderr.write(
      'Mosquitto is not installed: the MQTT specs run on the embedded broker only, and the ' +
        'Mosquitto-only cases (shared-subscription split, broker drop warning) do not run.\n',
    );
  }
  process.env.TEST_REDIS_URL ??= 'redis://127.0.0.1:6379';
  if (await redisAnswers(process.env.TEST_REDIS_URL)) {
    process.env.TEST_REDIS_AVAILABLE = '1';
  } else if (process.env.REQUIRE_REDIS === '1') {
    throw new Error(`REQUIRE_REDIS=1 but no Redis answers at ${process.env.TEST_REDIS_URL}`);
  } else {
    process.stderr.write(
      'No Redis answers: the gateway rate-limit spec runs on the in-memory limiter only, and the ' +
        'case of two instances sharing a limit through Redis does not run.\n',
    );
  }
  process.env.TEST_RUN_ID = `t${Date.now().toString(36)}${process.pid}`;
  if (process.env.TEST_DATABASE_URL) {
    process.env.TEST_PG_SERVER_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  // the data directory and its password file live in one private temp folder (as
  // root, the runner keeps the data where the postgres user can reach it)
  const root = mkdtempSync(join(tmpdir(), 'iot-test-pg-'));
  const server = await startEmbeddedPostgres({ dir: join(root, 'data'), port: await freePort() });
  process.env.TEST_PG_SERVER_URL = server.url;
  // moved (as root): its own folder under /var/lib/iot-backend goes too
  const moved = server.note ? dirname(server.dataDir) : server.dataDir;
  harness.embedded = { dirs: [root, moved], stop: () => server.stop() };
}

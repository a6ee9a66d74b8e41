import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_API_KEY } from '../support/dispositivo';
import { freePort } from '../support/ports';
import { runToExit } from '../support/run-app';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';

/** Every bad setting stops the app at once with one clear message and a telling exit code. */
describe('dispositivo start-up with bad settings', () => {
  let db: TestDatabase;
  let blackhole: TcpProxy;
  beforeAll(async () => {
    db = await createTestDatabase();
    blackhole = await startTcpProxy(); // accepts connections, never answers
  });
  afterAll(async () => {
    await blackhole.close();
    await db.drop();
  });

  const base = () => ({ API_KEYS: TEST_API_KEY, DATABASE_URL: db.url, DISPOSITIVO_PORT: '0' });

  it.each([
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud" must be one of: fatal, error/],
    [
      'the port',
      { DISPOSITIVO_PORT: '99999' },
      /DISPOSITIVO_PORT="99999" must be an integer between 0 and 65535/,
    ],
    [
      'in-flight 0',
      { MQTT_URL: 'mqtt://127.0.0.1:1', MQTT_IN_FLIGHT: '0' },
      /MQTT_IN_FLIGHT="0" must be an integer between 1/,
    ],
    [
      'an orphan delay shorter than a heartbeat can tell',
      { MQTT_URL: 'mqtt://127.0.0.1:1', MQTT_ORPHAN_AFTER_S: '1' },
      /MQTT_ORPHAN_AFTER_S="1" must be an integer between 2/,
    ],
    ['no DATABASE_URL', { DATABASE_URL: '' }, /DATABASE_URL is required/],
    ['no API key', { API_KEYS: '' }, /API_KEYS must list at least one API key/],
  ])('%s: exit 78 and one message', async (_label, env, message) => {
    const run = await runToExit('dispositivo', { ...base(), ...env });
    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().startsWith('dispositivo: Invalid configuration')).toBe(true);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a database that refuses connections: exit 69 naming it', async () => {
    const port = await freePort();
    const run = await runToExit('dispositivo', {
      ...base(),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/ms_dispositivo`,
    });
    expect(run.code).toBe(69);
    expect(run.stderr).toContain(`database 127.0.0.1:${port}/ms_dispositivo did not answer`);
  });

  it('a database that accepts connections and never answers: exit 69 within the connect timeout', async () => {
    const run = await runToExit('dispositivo', {
      ...base(),
      DATABASE_URL: blackhole.via(db.url),
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
    });
    expect(run.code).toBe(69);
    expect(run.stderr).toMatch(/did not answer within 1000 ms \(DATABASE_CONNECT_TIMEOUT_MS\)/);
    expect(run.ms).toBeLessThan(8000);
  });

  it('npm start gives up at once on a bad setting, says why, and exits 1', () => {
    const run = spawnSync(
      process.execPath,
      [join(__dirname, '..', '..', 'dist', 'scripts', 'start.js')],
      {
        env: {
          PATH: process.env.PATH ?? '',
          LOG_LEVEL: 'loud',
          DATABASE_URL: process.env.TEST_PG_SERVER_URL ?? '',
          MQTT_URL: 'mqtt://127.0.0.1:1', // no embedded broker
          API_KEYS: TEST_API_KEY,
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /\[start\] dispositivo has a configuration problem, not restarting: .*LOG_LEVEL="loud"/,
    );
    expect(run.stdout).toContain('could not start (see above); stopping everything');
  });
});

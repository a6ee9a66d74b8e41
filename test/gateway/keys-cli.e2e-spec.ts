import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestKeyStore, TestKeyStore } from '../support/gateway';

const run = promisify(execFile);
const CLI = join(__dirname, '..', '..', 'dist', 'scripts', 'keys.js');

/** `npm run keys` (the built script) against a test key store. */
describe('keys CLI', () => {
  let store: TestKeyStore;
  const keys = (...args: string[]) =>
    run(process.execPath, [CLI, ...args], {
      env: { ...process.env, GATEWAY_DATABASE_URL: store.url },
    }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  beforeAll(async () => {
    store = await createTestKeyStore();
  });
  afterAll(() => store.close());

  it('creates a key and prints its secret once, lists it without the secret, revokes it', async () => {
    const created = await keys(
      'create',
      '--role',
      'dispositivo',
      '--serie',
      'CLI-1',
      '--serie',
      'CLI-2',
      '--nombre',
      'meter',
    );
    expect(created.code).toBe(0);
    const id = /^id {4}([0-9a-f]{12})$/m.exec(created.stdout)?.[1];
    const key = /^key {3}(iot_\S+)$/m.exec(created.stdout)?.[1];
    expect(id).toBeDefined();
    expect(key).toMatch(new RegExp(`^iot_${id}_`));
    expect(created.stdout).toMatch(/series CLI-1,CLI-2/);

    const listed = await keys('list');
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}  dispositivo +active +CLI-1,CLI-2  meter$`, 'm'),
    );
    expect(listed.stdout).not.toContain(key!.slice(20));

    const revoked = await keys('revoke', id!);
    expect(revoked.stdout).toMatch(new RegExp(`^revoked ${id} \\(dispositivo\\)`));
    expect((await keys('list')).stdout).toMatch(new RegExp(`^${id}  dispositivo +revoked `, 'm'));
    const again = await keys('revoke', id!);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no active API key/);
  });

  it('names what is wrong and exits non-zero', async () => {
    const role = await keys('create', '--role', 'root');
    expect(role.code).toBe(65);
    expect(role.stderr).toMatch(/role must be one of dispositivo, facturacion, admin/);
    const serial = await keys('create', '--role', 'admin', '--serie', 'X');
    expect(serial.stderr).toMatch(/series only dispositivo keys are bound to serials/);
    expect((await keys('frobnicate')).code).toBe(64);
    expect((await keys('revoke')).code).toBe(64);
  });

  it('creates the first start keys once, even with two starts at once', async () => {
    const fresh = await createTestKeyStore();
    try {
      await fresh.keys.revoke('testadmin000'); // an empty store: no active key
      const [a, b] = await Promise.all([fresh.keys.bootstrap(), fresh.keys.bootstrap()]);
      const made = [...a, ...b];
      expect(made.map((k) => k.apiKey.role).sort()).toEqual(['admin', 'dispositivo']);
      expect(await fresh.keys.bootstrap()).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});

import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedPassword } from './embedded-postgres';

describe('embeddedPassword', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'iot-pw-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('makes a random password once, readable only by its owner, and keeps it', () => {
    const dir = join(root, 'postgres');
    const first = embeddedPassword(dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(`${dir}.password`).mode & 0o777).toBe(0o600);
    expect(embeddedPassword(dir)).toBe(first);
    expect(embeddedPassword(join(root, 'other'))).not.toBe(first);
  });

  it('refuses an initialised data directory whose password file is gone', () => {
    const dir = join(root, 'postgres');
    mkdirSync(dir);
    writeFileSync(join(dir, 'PG_VERSION'), '16\n');
    expect(() => embeddedPassword(dir)).toThrow(/postgres\.password is missing/);
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every advisory lock key in the apps is its own: two jobs sharing one would
 * exclude each other (found: the energy job and the creation of a billed
 * variable's table shared 7_318_004_212, so a sync run adding a variable waited
 * behind a whole energy job, and an energy run was skipped while it did).
 */
const root = join(__dirname, '..', '..');

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts')
      ? [{ file: path.slice(root.length + 1), text: readFileSync(path, 'utf8') }]
      : [];
  });
}

describe('advisory lock keys', () => {
  it('are distinct across the apps and libs', () => {
    const keys = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))].flatMap(
      ({ file, text }) =>
        [...text.matchAll(/const (\w*LOCK_KEY) = ([\d_]+);/g)].map((m) => ({
          where: `${file} ${m[1]}`,
          value: Number(m[2].replaceAll('_', '')),
        })),
    );
    expect(keys.length).toBeGreaterThanOrEqual(5);
    const byValue = new Map<number, string[]>();
    for (const k of keys) byValue.set(k.value, [...(byValue.get(k.value) ?? []), k.where]);
    const shared = [...byValue.values()].filter((w) => w.length > 1);
    expect(shared).toEqual([]);
  });
});

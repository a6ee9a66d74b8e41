import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Row {
  run: string;
  readingsPerS: number;
  p50Ms?: number;
  p99Ms?: number;
  peakRssMb?: number;
  verified?: string;
}

export const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 1000) / 1000;
}

export function printTable(title: string, rows: Row[]): void {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(
    '| run | readings/s | p50 ms | p99 ms | peak RSS MB | verified |\n|---|---:|---:|---:|---:|---|\n',
  );
  for (const r of rows) {
    const cells = [
      r.run,
      Math.round(r.readingsPerS),
      r.p50Ms ?? '',
      r.p99Ms ?? '',
      r.peakRssMb ?? '',
      r.verified ?? '',
    ];
    process.stdout.write(`| ${cells.join(' | ')} |\n`);
  }
}

/** Writes bench/results/<name>.json (the latest run; git history keeps older ones). */
export function saveResult(name: string, data: object): string {
  const dir = join(__dirname, '..', '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), ...data }, null, 2)}\n`);
  return file;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROXIED_ROUTES } from '@iot/contracts';

/**
 * The gateway names proxied requests by route template in its metrics; a
 * route added to a service but not to that list would be counted as
 * "(other)". Read from the services' controllers, without starting them.
 */
const root = join(__dirname, '..', '..');
const INTERNAL = new Set(['/api/dispositivo/exportacion']); // 404 at the gateway

function controllers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.controller.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

function routesOf(source: string): string[] {
  const base = /@Controller\('([^']*)'\)/.exec(source)?.[1];
  if (base === undefined) return [];
  return [...source.matchAll(/@(?:Get|Post|Put|Patch|Delete)\((?:'([^']*)')?\)/g)].map((m) =>
    ['', base, m[1]]
      .filter((part) => part !== undefined && part !== '')
      .join('/')
      .replace(/^/, '/'),
  );
}

describe('gateway route labels', () => {
  it('know every public route of dispositivo and facturacion', () => {
    const routes = ['dispositivo', 'facturacion'].flatMap((app) =>
      controllers(join(root, 'apps', app, 'src')).flatMap(routesOf),
    );
    expect(routes.length).toBeGreaterThan(8);
    const publicRoutes = [...new Set(routes.filter((r) => !INTERNAL.has(r)))].sort();
    expect([...PROXIED_ROUTES].sort()).toEqual(publicRoutes);
  });
});

import { Role } from '@iot/contracts';

/** Open to everyone: probes and the API description. */
export function isPublicPath(path: string): boolean {
  return (
    path === '/health' ||
    path.startsWith('/health/') ||
    path === '/docs' ||
    path.startsWith('/docs/')
  );
}

const DEVICE_ROUTES = new Set(['/api/dispositivo/envio', '/api/dispositivo/lecturas']);

/**
 * What each role may call (`path` without its query). Device keys get exact
 * paths only: no prefix a crafted path could slip through. Everything not
 * listed (readback, dead letters, keys) is for `admin`.
 */
export function allows(role: Role, method: string, path: string): boolean {
  if (role === 'admin') return true;
  if (role === 'dispositivo') return method === 'POST' && DEVICE_ROUTES.has(path);
  return path === '/api/facturacion' || path.startsWith('/api/facturacion/');
}

/**
 * Paths the gateway refuses outright: dot segments (`/a/../b`, also
 * percent-encoded) and empty segments. A URL parser on the way to an
 * instance would rewrite them into another route than the one checked.
 */
export function isAmbiguousPath(path: string): boolean {
  return /(^|\/)(\.|%2e){1,2}(\/|$)|\/\/|%2f|%5c|\\/i.test(path);
}

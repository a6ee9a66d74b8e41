import { Role } from './caller';

/**
 * Internal routes: served to facturacion's pull with a service key, never to
 * anyone through the gateway (which answers 404, as for a path that does not
 * exist), and refused to caller tokens by the services themselves.
 */
export const INTERNAL_ROUTES: ReadonlySet<string> = new Set(['/api/dispositivo/exportacion']);

const DEVICE_ROUTES = new Set(['/api/dispositivo/envio', '/api/dispositivo/lecturas']);

/**
 * What each role may call (`path`: normalised, see normalizePath, without its
 * query). Device keys get exact paths only: no prefix a crafted path could
 * slip through. Everything not listed (readback, dead letters, keys) is for
 * `admin`. The gateway decides with it, and dispositivo and facturacion check
 * it again on every caller token (defence in depth: a leaked gateway secret
 * or token is worth no more than the role it names). Internal routes are
 * refused apart (INTERNAL_ROUTES), before any role.
 */
export function allows(role: Role, method: string, path: string): boolean {
  if (role === 'admin') return true;
  if (role === 'dispositivo') return method === 'POST' && DEVICE_ROUTES.has(path);
  return path === '/api/facturacion' || path.startsWith('/api/facturacion/');
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * A path in the form routes are matched on (RFC 3986 §6.2.2): percent-encoded
 * unreserved characters decoded (`%65` is `e`), other escapes upper-cased, so
 * `/api/dispositivo/%65xportacion` is the internal route it names. Reserved
 * escapes such as `%2F` stay encoded (they are not the character).
 */
export function normalizePath(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape: string, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
}

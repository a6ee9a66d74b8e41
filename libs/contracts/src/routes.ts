import { Role } from './caller';

/**
 * Internal routes: served to facturacion's pull with a service key, never to
 * anyone through the gateway (which answers 404, as for a path that does not
 * exist), and refused to caller tokens by the services themselves.
 */
export const INTERNAL_ROUTES: ReadonlySet<string> = new Set(['/api/dispositivo/exportacion']);

/** The gateway's own: what the presented key is (role, id, serials). */
export const SESION_ROUTE = '/api/gateway/sesion';

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
  // who the key is (the console's menu): every key may ask
  if (method === 'GET' && path === SESION_ROUTE) return true;
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

/**
 * Every route the gateway proxies, as templates. dispositivo and facturacion
 * check their own route table against it at start-up (routeTableProblems),
 * and the gateway labels its metrics with it: a path becomes its route's
 * template, so ids and variable names never become label values.
 */
export const PROXIED_ROUTES = [
  '/api/dispositivo/envio',
  '/api/dispositivo/lecturas',
  '/api/dispositivo/rechazadas',
  '/api/dispositivo/solicitud',
  // admin: the store's upkeep now (partitions, retention)
  '/api/dispositivo/almacen/mantenimiento',
  // admin (the console): a device's variables, serials by prefix, a downsampled series
  '/api/dispositivo/dispositivos',
  '/api/dispositivo/dispositivos/:numeroSerie',
  '/api/dispositivo/grafica',
  '/api/dispositivo/actividad',
  '/api/facturacion/calendarios/:calendario/festivos',
  '/api/facturacion/calendarios/:calendario/festivos/:fecha',
  '/api/facturacion/calidad',
  '/api/facturacion/catalogo',
  '/api/facturacion/catalogo/:nombre',
  '/api/facturacion/cuentas',
  '/api/facturacion/cuentas/:id',
  '/api/facturacion/cuentas/:id/auditoria',
  '/api/facturacion/cuentas/:id/dispositivos/:numeroSerie',
  '/api/facturacion/cuentas/:id/facturas',
  '/api/facturacion/cuentas/:id/facturas/refacturar',
  '/api/facturacion/cuentas/:id/tarifa',
  '/api/facturacion/dispositivos/:numeroSerie',
  '/api/facturacion/energia',
  '/api/facturacion/energia/calculos',
  '/api/facturacion/energia/cambios',
  '/api/facturacion/facturas/programado',
  '/api/facturacion/facturas/:id',
  '/api/facturacion/facturas/:id/finalizar',
  '/api/facturacion/sincronizaciones',
  '/api/facturacion/sincronizaciones/:id',
  '/api/facturacion/tarifas',
  // before :id, so its metrics label is its own
  '/api/facturacion/tarifas/urdb',
  '/api/facturacion/tarifas/:id',
  '/api/facturacion/tarifas/:id/urdb',
  '/api/facturacion/tarifas/:id/versiones',
  '/api/facturacion/variables',
  '/api/facturacion/variables/:nombre/lecturas',
  '/api/facturacion/variables/:nombre/resumen',
] as const;

/** Any other path (unknown, internal, mistyped): one label for all. */
export const OTHER_ROUTE = '(other)';

const MATCHERS = PROXIED_ROUTES.map(
  (t) => [new RegExp(`^${t.replace(/:[A-Za-z]+/g, '[^/]+')}$`), t] as const,
);

/** `path` without its query. */
export function routeOf(path: string): string {
  for (const [pattern, template] of MATCHERS) if (pattern.test(path)) return template;
  return OTHER_ROUTE;
}

/**
 * What differs between the routes a service serves under `/api/<service>`
 * and this contract (PROXIED_ROUTES plus INTERNAL_ROUTES); empty when none.
 */
export function routeTableProblems(service: string, served: Iterable<string>): string[] {
  const prefix = `/api/${service}/`;
  const mine = (r: string): boolean => r.startsWith(prefix);
  const contract = new Set([...PROXIED_ROUTES, ...INTERNAL_ROUTES].filter(mine));
  const actual = new Set([...served].filter(mine));
  return [
    ...[...actual]
      .filter((r) => !contract.has(r))
      .map((r) => `${r} is served but not in the contract`),
    ...[...contract]
      .filter((r) => !actual.has(r))
      .map((r) => `${r} is in the contract but not served`),
  ];
}

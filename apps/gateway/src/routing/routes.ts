/**
 * The proxied routes as metric labels: a path becomes its route's template,
 * so ids and variable names never become label values (unbounded, and data).
 * test/static/gateway-routes.spec.ts keeps this list in step with the
 * services' controllers.
 */
export const PROXIED_ROUTES = [
  '/api/dispositivo/envio',
  '/api/dispositivo/lecturas',
  '/api/dispositivo/rechazadas',
  '/api/dispositivo/solicitud',
  '/api/facturacion/sincronizaciones',
  '/api/facturacion/sincronizaciones/:id',
  '/api/facturacion/variables',
  '/api/facturacion/variables/:nombre/lecturas',
  '/api/facturacion/variables/:nombre/resumen',
] as const;

/** Any other path (unknown, internal, mistyped): one label for all. */
export const OTHER_ROUTE = '(other)';

const MATCHERS = PROXIED_ROUTES.map(
  (t) => [new RegExp(`^${t.replace(/:[a-z]+/g, '[^/]+')}$`), t] as const,
);

/** `path` without its query. */
export function routeOf(path: string): string {
  for (const [pattern, template] of MATCHERS) if (pattern.test(path)) return template;
  return OTHER_ROUTE;
}

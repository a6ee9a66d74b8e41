/** Open to everyone: probes, the API description and the console's files (no data in them). */
export function isPublicPath(path: string): boolean {
  return (
    path === '/' ||
    path === '/index.html' ||
    path.startsWith('/assets/') ||
    path === '/health' ||
    path.startsWith('/health/') ||
    path === '/docs' ||
    path.startsWith('/docs/')
  );
}

/**
 * Paths the gateway refuses outright: dot segments (`/a/../b`, also
 * percent-encoded) and empty segments. A URL parser on the way to an
 * instance would rewrite them into another route than the one checked.
 */
export function isAmbiguousPath(path: string): boolean {
  return /(^|\/)(\.|%2e){1,2}(\/|$)|\/\/|%2f|%5c|\\/i.test(path);
}

import { allows, isAmbiguousPath, isPublicPath } from './policy';

describe('role policy', () => {
  it('gives device keys the two ingest routes, by POST, exactly', () => {
    expect(allows('dispositivo', 'POST', '/api/dispositivo/envio')).toBe(true);
    expect(allows('dispositivo', 'POST', '/api/dispositivo/lecturas')).toBe(true);
    for (const [method, path] of [
      ['GET', '/api/dispositivo/lecturas'],
      ['POST', '/api/dispositivo/envio/'],
      ['POST', '/api/dispositivo/envio/x'],
      ['POST', '/api/dispositivo/rechazadas'],
      ['POST', '/api/facturacion/sincronizaciones'],
      ['GET', '/api/gateway/keys'],
    ]) {
      expect([method, path, allows('dispositivo', method, path)]).toEqual([method, path, false]);
    }
  });

  it('gives billing staff facturacion only, and admin everything', () => {
    expect(allows('facturacion', 'POST', '/api/facturacion/sincronizaciones')).toBe(true);
    expect(allows('facturacion', 'GET', '/api/facturacion')).toBe(true);
    expect(allows('facturacion', 'GET', '/api/facturacionx')).toBe(false);
    expect(allows('facturacion', 'POST', '/api/dispositivo/envio')).toBe(false);
    expect(allows('admin', 'DELETE', '/api/gateway/keys/x')).toBe(true);
  });

  it('opens only health and docs', () => {
    expect(['/health', '/health/ready', '/docs', '/docs/json'].every(isPublicPath)).toBe(true);
    expect(['/healthz', '/api/health', '/docsx'].some(isPublicPath)).toBe(false);
  });

  it('finds dot, empty and encoded-slash segments', () => {
    for (const p of [
      '/a/../b',
      '/a/./b',
      '/a/..',
      '/a/%2E%2e/b',
      '/a//b',
      '/a%2fb',
      '/a\\b',
      '/a/%5c',
    ]) {
      expect([p, isAmbiguousPath(p)]).toEqual([p, true]);
    }
    for (const p of ['/api/dispositivo/envio', '/a/b.c', '/a/..b', '/a/b..', '/a/%41']) {
      expect([p, isAmbiguousPath(p)]).toEqual([p, false]);
    }
  });
});

import { allows, normalizePath } from './routes';

describe('normalizePath', () => {
  it.each([
    ['/api/dispositivo/%65xportacion', '/api/dispositivo/exportacion'],
    ['/api/dispositivo/exportaci%6fn', '/api/dispositivo/exportacion'],
    ['/api/%64ispositivo/%45XPORT', '/api/dispositivo/EXPORT'],
    ['/a/%7e%2d%2E%5f', '/a/~-._'],
    ['/a%2fb', '/a%2Fb'],
    ['/a/%20b%c3%b1', '/a/%20b%C3%B1'],
    ['/a/%zz%4', '/a/%zz%4'],
    ['/plain', '/plain'],
  ])('%s → %s', (path, normal) => {
    expect(normalizePath(path)).toBe(normal);
  });
});

describe('role table', () => {
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
    expect(allows('facturacion', 'GET', '/api/dispositivo/lecturas')).toBe(false);
    expect(allows('admin', 'DELETE', '/api/gateway/keys/x')).toBe(true);
  });
});

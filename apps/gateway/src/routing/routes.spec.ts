import { OTHER_ROUTE, routeOf } from './routes';

describe('routeOf', () => {
  it('names a path by its route template, never by its ids or names', () => {
    expect(routeOf('/api/dispositivo/envio')).toBe('/api/dispositivo/envio');
    expect(routeOf('/api/facturacion/sincronizaciones/42')).toBe(
      '/api/facturacion/sincronizaciones/:id',
    );
    expect(routeOf('/api/facturacion/variables/voltaje/lecturas')).toBe(
      '/api/facturacion/variables/:nombre/lecturas',
    );
  });

  it('puts every other path under one label', () => {
    for (const path of [
      '/api/dispositivo/exportacion',
      '/api/dispositivo/envio/extra',
      '/api/facturacion/variables/a/b/lecturas',
      `/api/dispositivo/${'x'.repeat(500)}`,
      '/api/facturacion',
    ]) {
      expect(routeOf(path)).toBe(OTHER_ROUTE);
    }
  });
});

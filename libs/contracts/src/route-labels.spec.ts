import { OTHER_ROUTE, routeOf, routeTableProblems } from './routes';

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

describe('routeTableProblems', () => {
  const served = [
    '/api/dispositivo/almacen/mantenimiento',
    '/api/dispositivo/dispositivos',
    '/api/dispositivo/dispositivos/:numeroSerie',
    '/api/dispositivo/grafica',
    '/api/dispositivo/actividad',
    '/api/dispositivo/envio',
    '/api/dispositivo/lecturas',
    '/api/dispositivo/rechazadas',
    '/api/dispositivo/solicitud',
    '/api/dispositivo/exportacion',
    '/health',
  ];

  it('finds nothing when a service serves exactly its part of the contract', () => {
    expect(routeTableProblems('dispositivo', served)).toEqual([]);
  });

  it('names a served route the contract lacks and a contract route not served', () => {
    const changed = [
      ...served.filter((r) => r !== '/api/dispositivo/solicitud'),
      '/api/dispositivo/nueva',
    ];
    expect(routeTableProblems('dispositivo', changed)).toEqual([
      '/api/dispositivo/nueva is served but not in the contract',
      '/api/dispositivo/solicitud is in the contract but not served',
    ]);
  });
});

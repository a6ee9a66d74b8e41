import { http } from '../support/http';
import { useDispositivo } from '../support/dispositivo';

const MIN = 60_000;
const ENERO = Date.parse('2025-01-01T00:00:00Z');
const ANIO = 525_600;
// a week missing (from minute 100,000) and a day (from minute 200,000)
const SEMANA = [100_000, 110_080];
const DIA = [200_000, 201_440];

/**
 * The console's plots (issue 20): a year of one-minute readings of one
 * device's variable downsampled on the server to a point budget, its peaks
 * and its gaps kept; compacted days read alongside.
 */
describe('downsampled series', () => {
  const f = useDispositivo();
  const grafica = (query: string) =>
    http(
      f.svc.url,
      'GET',
      `/api/dispositivo/grafica?numeroSerie=G1&nombreVariable=voltaje&${query}`,
    );

  beforeAll(async () => {
    await f.pg.query(`INSERT INTO dispositivo (numero_serie) VALUES ('G1'), ('G2'), ('OTRO')`);
    await f.pg.query(`INSERT INTO variable (nombre_variable) VALUES ('voltaje'), ('corriente')`);
    // a slow wave with one spike up (minute 300,000) and one down (400,000)
    await f.pg.query(
      `INSERT INTO lectura_codificada (estampa_tiempo, valor_variable, dispositivo_id, variable_id)
       SELECT $1::timestamptz + m * interval '1 minute',
              CASE m WHEN 300000 THEN 500 WHEN 400000 THEN -80 ELSE 220 + 5 * sin(m / 5000.0) END,
              (SELECT id FROM dispositivo WHERE numero_serie = 'G1'),
              (SELECT id FROM variable WHERE nombre_variable = 'voltaje')
       FROM generate_series(0, $2 - 1) m
       WHERE NOT (m >= $3 AND m < $4) AND NOT (m >= $5 AND m < $6)`,
      [new Date(ENERO), ANIO, ...SEMANA, ...DIA],
    );
    await f.pg
      .query(`INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
      VALUES ('G2', 'corriente', '2025-06-01T00:00:00Z', 1)`);
  });

  it('draws a year in at most the budget, its peaks at their instants, the missing week as a gap', async () => {
    const r = await grafica('desde=2025-01-01T00:00:00Z&hasta=2026-01-01T00:00:00Z&puntos=1000');
    expect(r.status).toBe(200);
    expect(r.body.lecturas).toBe(ANIO - 10_080 - 1440);
    expect(r.body.t.length).toBeLessThanOrEqual(1000);
    expect(r.body.v).toHaveLength(r.body.t.length);
    const i = r.body.v.indexOf(500);
    const j = r.body.v.indexOf(-80);
    expect([r.body.t[i], r.body.t[j]]).toEqual([ENERO + 300_000 * MIN, ENERO + 400_000 * MIN]);
    const gaps = r.body.t.filter((_: number, k: number) => r.body.v[k] === null);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toBeGreaterThan(ENERO + SEMANA[0] * MIN - MIN);
    expect(gaps[0]).toBeLessThan(ENERO + SEMANA[1] * MIN);
  });

  it('zoomed to a month, draws finer buckets and the missing day as a gap', async () => {
    const desde = new Date(ENERO + 190_000 * MIN).toISOString();
    const hasta = new Date(ENERO + 233_200 * MIN).toISOString();
    const año = await grafica('desde=2025-01-01T00:00:00Z&hasta=2026-01-01T00:00:00Z');
    const mes = await grafica(`desde=${desde}&hasta=${hasta}&puntos=1000`);
    expect(mes.body.anchoMs).toBeLessThan(año.body.anchoMs / 10);
    const gaps = mes.body.t.filter((_: number, k: number) => mes.body.v[k] === null);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toBeGreaterThan(ENERO + DIA[0] * MIN - MIN);
    expect(gaps[0]).toBeLessThan(ENERO + DIA[1] * MIN);
    // an hour: every reading, raw
    const hora = await grafica(
      `desde=${new Date(ENERO).toISOString()}&hasta=${new Date(ENERO + 60 * MIN).toISOString()}`,
    );
    expect(hora.body.t).toEqual(Array.from({ length: 60 }, (_, k) => ENERO + k * MIN));
  });

  it('reads compacted days alongside', async () => {
    await f.pg.query(`CREATE TABLE lectura_compacta_20241230 PARTITION OF lectura_compacta
      FOR VALUES FROM ('2024-12-30') TO ('2025-01-06')`);
    await f.pg
      .query(`INSERT INTO lectura_compacta (dispositivo_id, variable_id, dia, ids, estampas, valores)
      SELECT d.id, v.id, '2024-12-31', '{1,2,3}', '{0,60000,120000}', '{7,8,9}'
      FROM dispositivo d, variable v WHERE d.numero_serie = 'G1' AND v.nombre_variable = 'voltaje'`);
    // 43-second buckets: each reading its own
    const r = await grafica('desde=2024-12-31T00:00:00Z&hasta=2025-01-01T00:02:00Z&puntos=8000');
    const dic31 = Date.parse('2024-12-31T00:00:00Z');
    expect(r.body.lecturas).toBe(5);
    expect(r.body.t.slice(0, 3)).toEqual([dic31, dic31 + MIN, dic31 + 2 * MIN]);
    expect(r.body.v.slice(0, 3)).toEqual([7, 8, 9]);
    expect(r.body.v).toContain(null); // the rest of December 31st is a gap
    const d = await http(f.svc.url, 'GET', '/api/dispositivo/dispositivos/G1');
    expect(d.body).toEqual({
      numeroSerie: 'G1',
      variables: [
        {
          nombreVariable: 'voltaje',
          primera: '2024-12-31T00:00:00.000Z',
          ultima: new Date(ENERO + (ANIO - 1) * MIN).toISOString(),
        },
      ],
    });
  });

  it('answers an unknown device or variable with an empty series, and a bad query with its field', async () => {
    const vacia = await http(
      f.svc.url,
      'GET',
      '/api/dispositivo/grafica?numeroSerie=NADIE&nombreVariable=voltaje',
    );
    expect(vacia.status).toBe(200);
    expect(vacia.body).toMatchObject({ lecturas: 0, t: [], v: [] });
    for (const [query, field] of [
      ['desde=2025-02-01T00:00:00Z&hasta=2025-01-01T00:00:00Z', 'desde'],
      ['puntos=3', 'puntos'],
      ['puntos=1e9', 'puntos'],
      ['desde=ayer', 'desde'],
      ['hasta=10000-01-01T00:00:00Z', 'hasta'],
    ]) {
      const r = await grafica(query);
      expect([r.status, r.body.errors?.[0]?.field]).toEqual([400, field]);
    }
    const sinSerie = await http(
      f.svc.url,
      'GET',
      '/api/dispositivo/grafica?nombreVariable=voltaje',
    );
    expect([sinSerie.status, sinSerie.body.errors?.[0]?.field]).toEqual([400, 'numeroSerie']);
  });

  it('finds serials by prefix, and says a device without readings is unknown', async () => {
    const g = await http(f.svc.url, 'GET', '/api/dispositivo/dispositivos?prefijo=G');
    expect(g.body).toEqual({ dispositivos: ['G1', 'G2'] });
    const todos = await http(f.svc.url, 'GET', '/api/dispositivo/dispositivos?limite=1');
    expect(todos.body).toEqual({ dispositivos: ['G1'] });
    const raro = await http(f.svc.url, 'GET', '/api/dispositivo/dispositivos?prefijo=%25');
    expect([raro.status, raro.body.errors?.[0]?.field]).toEqual([400, 'prefijo']);
    const otro = await http(f.svc.url, 'GET', '/api/dispositivo/dispositivos/OTRO');
    expect(otro.status).toBe(404);
    const g2 = await http(f.svc.url, 'GET', '/api/dispositivo/dispositivos/G2');
    expect(g2.body.variables.map((v: { nombreVariable: string }) => v.nombreVariable)).toEqual([
      'corriente',
    ]);
  });
});

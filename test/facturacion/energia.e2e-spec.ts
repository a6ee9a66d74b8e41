import { http } from '../support/http';
import { ingest, syncUntilCaughtUp, useSuite } from '../support/facturacion';

const MIN = 60_000;
const F = '/api/facturacion';

/**
 * Metering end to end: readings into dispositivo, the sync, the energy job,
 * the usage and quality routes. Every expected total is computed by hand
 * here from the readings the test sends.
 */
describe('facturacion metering', () => {
  const suite = useSuite({
    BILLING_VARIABLES: 'voltaje,corriente,energia_kwh',
    ENERGIA_CRON: 'off',
    MAX_GAP_MINUTOS: '30',
    TOLERANCIA_PAREO_S: '60',
    CONTADOR_JITTER_WH: '1',
  });
  const calcular = async () => {
    const res = await http(suite.facturacion.url, 'POST', `${F}/energia/calculos`);
    expect([res.status, res.body]).toEqual([200, expect.anything()]);
    return res.body.dias as number;
  };
  const pull = async () => {
    await syncUntilCaughtUp(suite.facturacion);
    await calcular();
  };
  const energia = async (query: string) => {
    const res = await http(suite.facturacion.url, 'GET', `${F}/energia?${query}`);
    expect([res.status, res.body]).toEqual([200, expect.anything()]);
    return res.body;
  };

  it('declares energia_kwh a contador in kWh (validated), voltaje and corriente by default', async () => {
    const bad = await http(suite.facturacion.url, 'PUT', `${F}/catalogo/energia_kwh`, {
      tipo: 'contador',
      unidad: 'V',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'unidad', reason: 'a contador is in kWh or Wh' }]);
    const ok = await http(suite.facturacion.url, 'PUT', `${F}/catalogo/energia_kwh`, {
      tipo: 'contador',
      unidad: 'kWh',
    });
    expect(ok.status).toBe(200);
    const list = await http(suite.facturacion.url, 'GET', `${F}/catalogo`);
    expect(list.body.variables.map((v: any) => [v.nombre, v.tipo, v.unidad])).toEqual([
      ['corriente', 'instantaneo', 'A'],
      ['energia_kwh', 'contador', 'kWh'],
      ['voltaje', 'instantaneo', 'V'],
    ]);
  });

  it('V and I at different instants over a DST day in Madrid: 25 local hours of 2.3 kVA, then kWh with a PF', async () => {
    // 2025-10-26 in Europe/Madrid: 00:00 CEST (22:00Z the day before) to 00:00 CET (23:00Z), 25 hours
    const desde = Date.parse('2025-10-25T22:00:00Z');
    const hasta = Date.parse('2025-10-26T23:00:00Z');
    const lecturas = [];
    for (let t = desde; t <= hasta; t += MIN) {
      lecturas.push({
        nombreVariable: 'voltaje',
        numeroSerie: 'EN-VI',
        estampaTiempo: t,
        valorVariable: 230,
      });
      // current 20 s after each voltage sample (the last one may fall after the day: paired anyway)
      lecturas.push({
        nombreVariable: 'corriente',
        numeroSerie: 'EN-VI',
        estampaTiempo: t + 20_000,
        valorVariable: 10,
      });
    }
    await ingest(suite.dispositivo.url, lecturas);
    await pull();
    const q = `numeroSerie=EN-VI&desde=2025-10-25T22:00:00Z&hasta=2025-10-26T23:00:00Z&zona=Europe/Madrid`;
    const dia = await energia(`${q}&intervalo=dia`);
    // 230 V × 10 A = 2.3 kVA, for 25 hours, power factor unknown: apparent energy
    expect(dia.energia).toEqual([
      expect.objectContaining({
        inicioLocal: '2025-10-26T00:00:00+02:00',
        unidad: 'kVAh',
        energia: '57.500000000',
        cobertura: '1.000000',
        calidad: { real: 100, estimado: 0, faltante: 0 },
      }),
    ]);
    const horas = (await energia(`${q}&intervalo=hora`)).energia;
    expect(horas).toHaveLength(25);
    // the repeated hour: two rows, told apart by their offsets
    expect(horas.filter((h: any) => h.inicioLocal.startsWith('2025-10-26T02:00:00'))).toEqual([
      expect.objectContaining({ inicioLocal: '2025-10-26T02:00:00+02:00', energia: '2.300000000' }),
      expect.objectContaining({ inicioLocal: '2025-10-26T02:00:00+01:00', energia: '2.300000000' }),
    ]);

    const calidad = await http(suite.facturacion.url, 'GET', `${F}/calidad?${q}`);
    expect(calidad.status).toBe(200);
    const [dq] = calidad.body.dias;
    expect(dq).toMatchObject({
      dia: '2025-10-26',
      cobertura: '1.000000',
      huecos: [],
      tensionFueraDeBanda: { lecturas: 0, nominal: 230 },
      lecturasEnElFuturo: 0,
    });
    // a constant 230 V and 10 A for 25 hours is, by the rule, a frozen sensor
    expect(dq.congelados.map((c: any) => c.variable).sort()).toEqual(['corriente', 'voltaje']);

    // the same as CSV: exact decimals, with a decimal comma under `;`
    const csv = await http(
      suite.facturacion.url,
      'GET',
      `${F}/energia?${q}&intervalo=dia&formato=csv&separador=;`,
    );
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(String(csv.body).split('\r\n')).toEqual([
      'inicio;inicioLocal;fin;unidad;energia;cobertura;real;estimado;faltante',
      '2025-10-25T22:00:00.000Z;2025-10-26T00:00:00+02:00;2025-10-26T23:00:00.000Z;kVAh;57,500000000;1,000000;100;0;0',
      '',
    ]);
    const calidadCsv = await http(suite.facturacion.url, 'GET', `${F}/calidad?${q}&formato=csv`);
    expect(String(calidadCsv.body).split('\r\n').slice(0, 2)).toEqual([
      'dia,inicio,fin,cobertura,energiaEstimada,huecos,reiniciosContador,congelados,tensionFueraDeBanda,lecturasEnElFuturo',
      '2025-10-26,2025-10-25T22:00:00.000Z,2025-10-26T23:00:00.000Z,1.000000,0.000000,0,0,2,0,0',
    ]);

    // a configured power factor turns it into active energy: 57.5 × 0.9
    const pf = await http(suite.facturacion.url, 'PUT', `${F}/dispositivos/EN-VI`, {
      factorPotencia: 0.9,
    });
    expect(pf.status).toBe(200);
    await calcular();
    const activa = (await energia(`${q}&intervalo=dia`)).energia;
    expect(activa).toEqual([expect.objectContaining({ unidad: 'kWh', energia: '51.750000000' })]);
  });

  it('a contador: jitter, a reset, a short and a long gap (estimated), and a late reading recomputing only around it', async () => {
    const d = Date.parse('2025-11-03T00:00:00Z');
    const at = (min: number, v: number) => ({
      nombreVariable: 'energia_kwh',
      numeroSerie: 'EN-C',
      estampaTiempo: d + min * MIN,
      valorVariable: v,
    });
    await ingest(suite.dispositivo.url, [
      at(0, 100),
      at(15, 101), // 1 kWh
      at(30, 100.9995), // a 0.5 Wh drop: jitter, no consumption
      at(45, 2), // a reset: 2 kWh since it restarted
      at(60, 3), // 1 kWh
      at(80, 3.5), // a 20-minute gap: real (0.5 over 60..80)
      at(180, 5.5), // 100 minutes: a gap, filled linearly (2 kWh)
      at(195, 6), // 0.5
    ]);
    await pull();
    const q = `numeroSerie=EN-C&desde=2025-11-03T00:00:00Z&hasta=2025-11-04T00:00:00Z&zona=UTC`;
    const dia = (await energia(`${q}&intervalo=dia`)).energia;
    // 1 + 0 + 2 + 1 + 0.5 + 2 + 0.5 = 7 kWh; intervals: 5 real (00:00..01:15 minus), the gap estimated
    expect(dia).toHaveLength(1);
    expect(dia[0]).toMatchObject({ unidad: 'kWh', energia: '7.000000000' });
    const cuartos = (await energia(`${q}&intervalo=15m`)).energia;
    const calidadDe = (c: any) => Object.entries(c.calidad).find(([, n]) => n)![0];
    // by hand: pieces 0-15 (1), 15-30 (0), 30-45 (2), 45-60 (1), 60-80 (0.5 over 20 min, real),
    // 80-180 (2 over 100 min, estimated: 0.3 per quarter), 180-195 (0.5)
    expect(cuartos.slice(0, 14).map((c: any) => [c.energia, c.cobertura, calidadDe(c)])).toEqual([
      ['1.000000000', '1.000000', 'real'], // 00:00
      ['0.000000000', '1.000000', 'real'], // 00:15: the jitter
      ['2.000000000', '1.000000', 'real'], // 00:30: the reset
      ['1.000000000', '1.000000', 'real'], // 00:45
      ['0.375000000', '1.000000', 'real'], // 01:00: 15 of the 20 minutes of 0.5
      ['0.325000000', '0.333333', 'estimado'], // 01:15: 5 real minutes (0.125) + 10 estimated (0.2)
      ...Array(6).fill(['0.300000000', '0.000000', 'estimado']), // 01:30 .. 02:45
      ['0.500000000', '1.000000', 'real'], // 03:00
      ['0.000000000', '0.000000', 'faltante'], // 03:15: nothing after 03:15
    ]);
    expect(cuartos).toHaveLength(96);

    const calidad = await http(suite.facturacion.url, 'GET', `${F}/calidad?${q}`);
    expect(calidad.status).toBe(200);
    const dq = calidad.body.dias[0];
    expect(dq.reiniciosContador).toEqual([
      { instante: '2025-11-03T00:45:00.000Z', antes: 100.9995, despues: 2 },
    ]);
    expect(dq.huecos).toEqual([
      {
        variable: 'energia_kwh',
        inicio: '2025-11-03T01:20:00.000Z',
        fin: '2025-11-03T03:00:00.000Z',
        minutos: 100,
      },
    ]);
    // the energy of the intervals marked estimado (2.125 of 7)
    expect(dq.energiaEstimada).toBe((2.125 / 7).toFixed(6));

    // a reading arrives late, inside the gap: only the intervals around it change
    const antes = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    await ingest(suite.dispositivo.url, [at(120, 4.5)]);
    await pull();
    const cambios = await http(
      suite.facturacion.url,
      'GET',
      `${F}/energia/cambios?desde=${new Date(antes).toISOString()}`,
    );
    expect(cambios.status).toBe(200);
    const cambiados = cambios.body.cambios.map((c: any) => [
      c.numeroSerie,
      c.inicio.slice(11, 16),
      c.version,
    ]);
    // 80-120 (1 kWh over 40 min) and 120-180 (1 kWh over 60 min), both still gaps: 01:15 .. 02:45
    expect(cambiados).toEqual(
      ['01:15', '01:30', '01:45', '02:00', '02:15', '02:30', '02:45'].map((h) => ['EN-C', h, 2]),
    );
    const despues = (await energia(`${q}&intervalo=dia`)).energia;
    expect(despues[0].energia).toBe('7.000000000');

    // the same as computing everything again from scratch
    const incremental = await suite.destino.query(
      `SELECT inicio, energia::text, unidad, fuente, cobertura::text, calidad FROM energia_intervalo
       WHERE numero_serie = 'EN-C' ORDER BY inicio`,
    );
    await suite.destino.query(`DELETE FROM energia_intervalo WHERE numero_serie = 'EN-C'`);
    await suite.destino.query(
      `INSERT INTO energia_pendiente (numero_serie, dia) VALUES ('EN-C', '2025-11-03')`,
    );
    await calcular();
    const desdeCero = await suite.destino.query(
      `SELECT inicio, energia::text, unidad, fuente, cobertura::text, calidad FROM energia_intervalo
       WHERE numero_serie = 'EN-C' ORDER BY inicio`,
    );
    expect(desdeCero.rows).toEqual(incremental.rows);
  });

  it('refuses a range that would hold too many buckets, a bad zona, hasta before desde, and over 92 days of quality', async () => {
    const base = `${F}/energia?numeroSerie=EN-C`;
    const cases: Array<[string, string]> = [
      [`${base}&desde=2000-01-01T00:00:00Z&hasta=2025-01-01T00:00:00Z&intervalo=15m`, 'hasta'],
      [`${base}&desde=2025-01-02T00:00:00Z&hasta=2025-01-01T00:00:00Z`, 'hasta'],
      [`${base}&desde=2025-01-01T00:00:00Z&hasta=2025-01-02T00:00:00Z&zona=Mars/Base`, 'zona'],
      [`${F}/energia?desde=2025-01-01T00:00:00Z&hasta=2025-01-02T00:00:00Z`, 'numeroSerie'],
      [`${base}&desde=ayer&hasta=2025-01-02T00:00:00Z`, 'desde'],
      // the quality report reads every reading of the range: at most 92 days per request
      [
        `${F}/calidad?numeroSerie=EN-C&desde=2025-01-01T00:00:00Z&hasta=2025-04-04T00:00:00Z`,
        'hasta',
      ],
    ];
    for (const [path, field] of cases) {
      const res = await http(suite.facturacion.url, 'GET', path);
      expect([path, res.status, res.body.errors?.[0]?.field]).toEqual([path, 400, field]);
    }
  });
});

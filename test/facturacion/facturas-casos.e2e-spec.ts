import { http } from '../support/http';
import { useSuite } from '../support/facturacion';
import { horas, tarifaEjemplo } from '../support/tarifa-ejemplo';

const F = '/api/facturacion';

/**
 * Golden statements from intervals written straight into the metering
 * table (its output is their input): a DST month, and a device moved between
 * accounts in the middle of one. Totals by hand in the comments.
 */
describe('facturacion statements: golden cases', () => {
  const suite = useSuite({ ENERGIA_CRON: 'off' });
  const url = () => suite.facturacion.url;

  /** Quarter-hours of `kwh` each over [desde, hasta) for a device. */
  const intervalos = (serie: string, desde: string, hasta: string, kwh: string) =>
    suite.destino.query(
      `INSERT INTO energia_intervalo (numero_serie, inicio, fin, energia, unidad, fuente, cobertura, calidad)
       SELECT $1, t, t + interval '15 minutes', $4, 'kWh', 'contador', 1, 'real'
       FROM generate_series($2::timestamptz, $3::timestamptz - interval '15 minutes', interval '15 minutes') t`,
      [serie, desde, hasta, kwh],
    );

  const tarifa = async (nombre: string, definicion: object) =>
    (await http(url(), 'POST', `${F}/tarifas`, { nombre, desde: '2026-01-01', definicion })).body
      .id as string;

  const cuenta = async (nombre: string, zona: string, tarifaId: string) => {
    const c = await http(url(), 'POST', `${F}/cuentas`, { nombre, zona, moneda: 'COP' });
    await http(url(), 'PUT', `${F}/cuentas/${c.body.id}/tarifa`, { tarifaId, desde: '2026-01-01' });
    return c.body.id as string;
  };

  it('a DST month in Madrid has 743 hours, and its missing 02:00 prices nothing', async () => {
    // 0.25 kWh every quarter of March 2026 in Madrid: 23:00Z Feb 28 to 22:00Z Mar 31 (clocks go
    // forward on the 29th at 02:00), 2,972 quarters = 743 kWh. Weekend 02:00-02:59 is its own
    // period at 1000: 9 weekend days, 02:00 exists on 8 (not the 29th): 8 kWh; the other 735 kWh
    // at 100. 73,500.00 + 8,000.00 = 81,500.00, no fixed charge, no taxes
    const id = await tarifa('Madrugada', {
      ...tarifaEjemplo(),
      cargoFijo: '0',
      impuestos: [],
      periodos: [
        { nombre: 'Normal', bloques: [{ precio: '100' }] },
        { nombre: 'Madrugada', bloques: [{ precio: '1000' }] },
      ],
      semana: horas(0, 0),
      finDeSemana: horas(2, 3),
    });
    const c = await cuenta('Madrid', 'Europe/Madrid', id);
    await http(url(), 'PUT', `${F}/cuentas/${c}/dispositivos/DST1`, {
      desde: '2026-01-01T00:00:00+01:00',
    });
    await intervalos('DST1', '2026-02-28T23:00:00Z', '2026-03-31T22:00:00Z', '0.25');
    const b = await http(url(), 'POST', `${F}/cuentas/${c}/facturas`, { periodo: '2026-03' });
    expect(b.body).toMatchObject({
      desde: '2026-02-28T23:00:00.000Z',
      hasta: '2026-03-31T22:00:00.000Z',
      energia: '743',
      cobertura: '1.000000',
      total: '81500.00',
    });
    expect((Date.parse(b.body.hasta) - Date.parse(b.body.desde)) / 3_600_000).toBe(743);
    expect(b.body.lineas.map((l: any) => [l.concepto, l.cantidad, l.importe, l.cobertura])).toEqual(
      [
        ['Normal', '735', '73500.00', '1'],
        ['Madrugada', '8', '8000.00', '1'],
        ['Cargo fijo', '1', '0.00', null],
      ],
    );
    expect(b.body.diario).toHaveLength(31);
    expect(b.body.diario.find((d: any) => d.fecha === '2026-03-29').energia).toBe('23');
    // each day by time-of-use period (the console's chart): the periods add up to the day, and
    // over the month to each period's line
    const suma = (xs: string[]) => xs.reduce((n, x) => n + Number(x), 0);
    for (const d of b.body.diario) {
      expect(suma(Object.values(d.periodos))).toBeCloseTo(Number(d.energia), 9);
    }
    expect(suma(b.body.diario.map((d: any) => d.periodos.Madrugada ?? '0'))).toBe(8);
    expect(suma(b.body.diario.map((d: any) => d.periodos.Normal ?? '0'))).toBe(735);
  });

  it('a device moved on the 10th bills 1-9 to the old account and 10-31 to the new one', async () => {
    // 0.25 kWh every quarter of March 2026 in Bogotá (24 kWh a day), flat 100 per kWh, no fixed
    // charge: the old account 9 days = 216 kWh = 21,600.00, the new one 22 days = 528 kWh =
    // 52,800.00; each is fully covered for its own time
    const id = await tarifa('Plana', {
      ...tarifaEjemplo(),
      cargoFijo: '0',
      impuestos: [],
      periodos: [{ nombre: 'Plana', bloques: [{ precio: '100' }] }],
      semana: horas(0, 0),
      finDeSemana: horas(0, 0),
    });
    const vieja = await cuenta('Vieja', 'America/Bogota', id);
    const nueva = await cuenta('Nueva', 'America/Bogota', id);
    await http(url(), 'PUT', `${F}/cuentas/${vieja}/dispositivos/MOV2`, {
      desde: '2026-03-01T00:00:00-05:00',
    });
    await http(url(), 'PUT', `${F}/cuentas/${nueva}/dispositivos/MOV2`, {
      desde: '2026-03-10T00:00:00-05:00',
    });
    await intervalos('MOV2', '2026-03-01T05:00:00Z', '2026-04-01T05:00:00Z', '0.25');
    const a = await http(url(), 'POST', `${F}/cuentas/${vieja}/facturas`, { periodo: '2026-03' });
    const b = await http(url(), 'POST', `${F}/cuentas/${nueva}/facturas`, { periodo: '2026-03' });
    expect([a.body.energia, a.body.total, a.body.cobertura]).toEqual([
      '216',
      '21600.00',
      '1.000000',
    ]);
    expect([b.body.energia, b.body.total, b.body.cobertura]).toEqual([
      '528',
      '52800.00',
      '1.000000',
    ]);
    expect(a.body.diario.at(-1)).toMatchObject({ fecha: '2026-03-09', energia: '24' });
    expect(b.body.diario[0]).toMatchObject({ fecha: '2026-03-10', energia: '24' });
  });
});

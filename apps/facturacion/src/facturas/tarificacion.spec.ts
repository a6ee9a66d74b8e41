import { InvalidInputError } from '@iot/common';
import { validarVersion, VersionTarifa } from '../tarifas/tarifa';
import { horas, tarifaEjemplo } from '../../../../test/support/tarifa-ejemplo';
import type { IntervaloConsumo } from '../energia/consumo-horario';
import { porHora } from '../../../../test/support/por-hora';
import { Contexto, tarificar as porHoras } from './tarificacion';

type Intervalo = Omit<IntervaloConsumo, 'cobertura'>;
/** Prices intervals as a statement does: added up per local hour first. */
const tarificar = (intervalos: Intervalo[], v: VersionTarifa, c: Contexto) =>
  porHoras(porHora(intervalos, c.zona), v, c);

const Q = 15 * 60_000;
const tarifa = (cambios: Partial<VersionTarifa> = {}): VersionTarifa =>
  validarVersion(tarifaEjemplo(cambios));

/** Quarter-hours of `kwh` each from `desde` (an instant with its offset) for `n` quarters. */
const cuartos = (desde: string, n: number, kwh: string, extra: Partial<Intervalo> = {}) =>
  Array.from({ length: n }, (_, k): Intervalo => {
    const inicio = Date.parse(desde) + k * Q;
    return { inicio, fin: inicio + Q, energia: kwh, unidad: 'kWh', calidad: 'real', ...extra };
  });

const BOGOTA = { zona: 'America/Bogota', decimales: 2, festivos: new Set<string>() };

describe('tarificar', () => {
  // Monday 2026-03-02, 17:00-19:00 in Bogotá: 4 quarters of Valle then 4 of Punta, 30 kWh each
  const lunes = cuartos('2026-03-02T17:00:00-05:00', 8, '30');

  it('prices energy by local TOU period and block, the fixed charge, then taxes on the rounded subtotal', () => {
    const l = tarificar(lunes, tarifa(), BOGOTA);
    // Valle 120 kWh: 100 x 500 + 20 x 700 (the block boundary inside the period); Punta 120 x 900
    expect(l.lineas.map((x) => [x.concepto, x.cantidad, x.precioUnitario, x.importe])).toEqual([
      ['Valle, bloque 1', '100', '500', '50000.00'],
      ['Valle, bloque 2', '20', '700', '14000.00'],
      ['Punta', '120', '900', '108000.00'],
      ['Cargo fijo', '1', '12345.665', '12345.67'], // half-up
      ['IVA', '184345.67', '19', '35025.68'], // 184345.67 x 19 % = 35025.6773
    ]);
    expect(l.total).toBe('219371.35');
    expect(l.energia).toBe('240');
    expect(l.problemas).toEqual([]);
  });

  it('rounds each line, half-even when the tariff says so; the total is the sum of rounded lines, not the rounded sum', () => {
    const l = tarificar(lunes, tarifa({ redondeo: 'half_even' }), BOGOTA);
    expect(l.lineas[3].importe).toBe('12345.66'); // ...665 to the even cent
    // 184345.66 x 19 % = 35025.6754 -> 35025.68
    expect(l.total).toBe('219371.34');
    // half-up: the unrounded total 172000 + 12345.665 + 35025.67635 = 219371.34135 would round
    // to .34, the sum of the rounded lines is .35 (the documented rule)
    expect(tarificar(lunes, tarifa(), BOGOTA).total).toBe('219371.35');
  });

  it('a holiday is priced as a weekend, or as its own period', () => {
    const festivo = { ...BOGOTA, festivos: new Set(['2026-03-02']) };
    expect(tarificar(lunes, tarifa(), festivo).lineas.map((x) => x.concepto)).toEqual([
      'Valle, bloque 1',
      'Valle, bloque 2',
      'Cargo fijo',
      'IVA',
    ]);
    const propio = tarificar(lunes, tarifa({ festivos: 1 }), festivo);
    expect(propio.lineas[0]).toMatchObject({ concepto: 'Punta', cantidad: '240' });
  });

  it('uses local time through a DST change: Santiago repeats 23:00 on 2026-04-04, both hours in its period', () => {
    // Chile goes from -03 to -04 at 24:00 on Saturday 4 April: 02:00Z-04:00Z is 23:00 local twice
    const noche = cuartos('2026-04-05T02:00:00Z', 8, '1');
    const v = tarifa({ finDeSemana: horas(23, 24) }); // weekend 23:00 is Punta
    const l = tarificar(noche, v, { zona: 'America/Santiago', decimales: 0, festivos: new Set() });
    expect(l.lineas[0]).toMatchObject({ concepto: 'Punta', cantidad: '8', importe: '7200' });
  });

  it('a demand charge prices the highest interval average power', () => {
    const pico = [...lunes, ...cuartos('2026-03-02T19:00:00-05:00', 1, '45')]; // 45 kWh in 15 min: 180 kW
    const l = tarificar(pico, tarifa({ demanda: { precio: '15000' }, impuestos: [] }), BOGOTA);
    expect(l.lineas.find((x) => x.tipo === 'demanda')).toMatchObject({
      cantidad: '180',
      unidad: 'kW',
      importe: '2700000.00',
    });
  });

  it("a demand charge per TOU period prices each period's own highest average power", () => {
    const pico = [...lunes, ...cuartos('2026-03-02T19:00:00-05:00', 1, '45')]; // Punta 180 kW
    const v = tarifa({ demanda: { precio: '100', porPeriodo: ['1000', '15000'] }, impuestos: [] });
    const l = tarificar(pico, v, BOGOTA);
    expect(
      l.lineas.filter((x) => x.tipo === 'demanda').map((x) => [x.concepto, x.cantidad, x.importe]),
    ).toEqual([
      ['Demanda máxima', '180', '18000.00'], // the whole period: 180 kW x 100
      ['Demanda máxima, Valle', '120', '120000.00'], // 30 kWh in 15 min
      ['Demanda máxima, Punta', '180', '2700000.00'],
    ]);
    // "0" prices a period at nothing: no line
    const solo = tarificar(pico, tarifa({ demanda: { porPeriodo: ['0', '15000'] } }), BOGOTA);
    expect(solo.lineas.filter((x) => x.tipo === 'demanda').map((x) => x.concepto)).toEqual([
      'Demanda máxima, Punta',
    ]);
  });

  it('tops a small bill up to the minimum before taxes', () => {
    const l = tarificar(lunes, tarifa({ minimo: '500000' }), BOGOTA);
    expect(l.lineas.find((x) => x.tipo === 'minimo')?.importe).toBe('315654.33'); // 500000 - 184345.67
    expect(l.lineas.at(-1)?.importe).toBe('95000.00');
    expect(l.total).toBe('595000.00');
  });

  it('a period with no data bills the fixed charge (and its taxes), not a crash', () => {
    const l = tarificar([], tarifa(), BOGOTA);
    expect(l.lineas.map((x) => x.importe)).toEqual(['12345.67', '2345.68']);
    expect([l.total, l.energia, l.estimada]).toEqual(['14691.35', '0', '0']);
  });

  it('does not price kVAh with a kWh tariff, and says why', () => {
    const l = tarificar(
      cuartos('2026-03-02T17:00:00-05:00', 4, '2', { unidad: 'kVAh' }),
      tarifa(),
      BOGOTA,
    );
    expect(l.energia).toBe('0');
    expect(l.problemas).toEqual([
      '4 intervals are in kVAh and the tariff prices kWh: they are not priced',
    ]);
  });

  it('a segment of the period scales the fixed charge, the minimum and the block limits', () => {
    // a quarter of the period: Valle's first block holds 25 kWh, the fixed charge is a quarter
    const l = tarificar(lunes, tarifa({ impuestos: [] }), { ...BOGOTA, fraccion: '0.25' });
    expect(l.lineas.map((x) => [x.concepto, x.cantidad, x.importe])).toEqual([
      ['Valle, bloque 1', '25', '12500.00'],
      ['Valle, bloque 2', '95', '66500.00'],
      ['Punta', '120', '108000.00'],
      ['Cargo fijo', '0.25', '3086.42'], // 12345.665 x 0.25 = 3086.41625
    ]);
  });

  it("gives each energy line its TOU period's coverage and estimated share", () => {
    const hora = 3_600_000;
    const t0 = Date.parse('2026-03-02T16:00:00-05:00');
    // the device's time: 16:00-19:00 (Valle 16 and 17, Punta 18); data from 17:00 only
    const tiempo = ['16', '17', '18'].map((h, k) => ({
      hora: `2026-03-02 ${h}`,
      inicio: t0 + k * hora,
      ms: hora,
    }));
    const datos = [
      ...cuartos('2026-03-02T17:00:00-05:00', 7, '30'),
      ...cuartos('2026-03-02T18:45:00-05:00', 1, '30', { calidad: 'estimado' }),
    ];
    const l = tarificar(datos, tarifa({ impuestos: [] }), { ...BOGOTA, tiempo });
    expect(l.lineas.map((x) => [x.concepto, x.cobertura, x.estimada])).toEqual([
      ['Valle, bloque 1', '0.5', '0'], // 1 of Valle's 2 hours has data
      ['Valle, bloque 2', '0.5', '0'],
      ['Punta', '1', '0.25'], // 30 of its 120 kWh estimated
      ['Cargo fijo', undefined, undefined],
    ]);
  });

  it('reports the estimated share of the energy', () => {
    const l = tarificar(
      [
        ...cuartos('2026-03-02T10:00:00-05:00', 3, '1'),
        ...cuartos('2026-03-02T11:00:00-05:00', 1, '1', { calidad: 'estimado' }),
      ],
      tarifa(),
      BOGOTA,
    );
    expect(l.estimada).toBe('0.25');
  });
});

describe('validarVersion', () => {
  it.each([
    [{ cargoFijo: '-1' }, 'cargoFijo'],
    [{ cargoFijo: '1e5' }, 'cargoFijo'],
    [{ cargoFijo: 'NaN' }, 'cargoFijo'],
    [{ cargoFijo: '99999999999' }, 'cargoFijo'],
    [{ unidad: 'MWh' as 'kWh' }, 'unidad'],
    [{ periodos: [] }, 'periodos'],
    [
      { periodos: [{ nombre: 'A', bloques: [{ hasta: '10', precio: '1' }] }] },
      'periodos[0].bloques[0].hasta',
    ],
    [
      {
        periodos: [
          {
            nombre: 'A',
            bloques: [{ hasta: '10', precio: '1' }, { hasta: '5', precio: '1' }, { precio: '1' }],
          },
        ],
      },
      'periodos[0].bloques[1].hasta',
    ],
    [
      { periodos: [{ nombre: 'A', bloques: [{ precio: '2000000' }] }] },
      'periodos[0].bloques[0].precio',
    ],
    [{ semana: horas(0, 0).slice(1) }, 'semana'],
    [{ finDeSemana: horas(0, 24).map((f) => f.map(() => 7)) }, 'finDeSemana'],
    [{ festivos: 9 }, 'festivos'],
    [{ demanda: {} }, 'demanda'],
    [{ demanda: { porPeriodo: ['1'] } }, 'demanda.porPeriodo'],
    [{ demanda: { porPeriodo: ['1', '-2'] } }, 'demanda.porPeriodo[1]'],
    [{ demanda: { precio: '5', extra: '1' } }, 'demanda.extra'],
    [
      { impuestos: [{ nombre: 'IVA', tipo: 'porcentaje' as const, valor: '101' }] },
      'impuestos[0].valor',
    ],
    [{ redondeo: 'up' as 'half_up' }, 'redondeo'],
    [{ energyratestructure: [] }, 'energyratestructure'],
    [
      { periodos: [{ nombre: 'A', bloques: [{ precio: '1', adj: '2' }] }] },
      'periodos[0].bloques[0].adj',
    ],
  ])('refuses %j naming %s', (cambios, campo) => {
    try {
      tarifa(cambios as Partial<VersionTarifa>);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      expect((e as InvalidInputError).errors.map((x) => x.field)).toContain(campo);
    }
  });
});

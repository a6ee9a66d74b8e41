import { InvalidInputError } from '@iot/common';
import { desdeUrdb, haciaUrdb, RegistroUrdb } from './urdb';

const matriz = (desde: number, hasta: number): number[][] =>
  Array.from({ length: 12 }, () =>
    Array.from({ length: 24 }, (_, h) => (h >= desde && h < hasta ? 1 : 0)),
  );

/** A record in URDB's shape (written here: no network), as OpenEI's API returns them. */
const registro = (cambios: Partial<RegistroUrdb> = {}): RegistroUrdb => ({
  label: '5a1b2c3d4e5f',
  utility: 'Example Electric Co',
  name: 'Residential TOU',
  sector: 'Residential',
  startdate: 1767225600, // 2026-01-01T00:00:00Z
  energyweekdayschedule: matriz(16, 21),
  energyweekendschedule: matriz(0, 0),
  energyratestructure: [
    [
      { max: 500, rate: 0.11, adj: 0.0123, unit: 'kWh' },
      { rate: 0.14, unit: 'kWh' },
    ],
    [{ rate: 0.29, adj: -0.01 }],
  ],
  fixedchargefirstmeter: 10.5,
  fixedchargeunits: '$/month',
  mincharge: 12,
  minchargeunits: '$/month',
  flatdemandstructure: [[{ rate: 7.25 }]],
  flatdemandmonths: Array(12).fill(0),
  flatdemandunit: 'kW',
  ...cambios,
});

describe('URDB', () => {
  it('imports periods, tiers (rate + adj, exactly), fixed charge, minimum, flat demand and start date', () => {
    const { version, desde } = desdeUrdb(registro());
    expect(desde).toBe('2026-01-01');
    expect(version).toMatchObject({
      unidad: 'kWh',
      cargoFijo: '10.5',
      minimo: '12',
      demanda: { precio: '7.25' },
      periodos: [
        { nombre: 'Periodo 0', bloques: [{ hasta: '500', precio: '0.1223' }, { precio: '0.14' }] },
        { nombre: 'Periodo 1', bloques: [{ precio: '0.28' }] },
      ],
      impuestos: [],
      redondeo: 'half_up',
    });
    expect(version.semana[0][16]).toBe(1);
  });

  it('exports back to the same shape: import, export, import gives the same version', () => {
    const { version, desde } = desdeUrdb(
      registro({
        energyratestructure: [[{ max: 500, rate: 0.1223 }, { rate: 0.14 }], [{ rate: 0.28 }]],
      }),
    );
    const fuera = haciaUrdb(version, 'Residential TOU', desde!);
    expect(fuera).toMatchObject({
      name: 'Residential TOU',
      startdate: 1767225600,
      energyratestructure: [[{ max: 500, rate: 0.1223 }, { rate: 0.14 }], [{ rate: 0.28 }]],
      fixedchargefirstmeter: 10.5,
      fixedchargeunits: '$/month',
      mincharge: 12,
      flatdemandstructure: [[{ rate: 7.25 }]],
    });
    expect(desdeUrdb(fuera).version).toEqual(version);
  });

  it.each([
    [{ demandratestructure: [[{ rate: 1 }]] }, 'demandratestructure'],
    [{ enddate: 1798761600 }, 'enddate'],
    [{ fixedchargeunits: '$/day' }, 'fixedchargeunits'],
    [
      { energyratestructure: [[{ rate: 0.1, unit: 'kWh daily' }]] },
      'energyratestructure[0][0].unit',
    ],
    [{ energyratestructure: [[{ rate: 0.1, sell: 0.05 }]] }, 'energyratestructure[0][0].sell'],
    [{ energyratestructure: [[{ rate: 0.1, max: 100 }]] }, 'energyratestructure[0][0].max'],
    [{ flatdemandmonths: [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0] }, 'flatdemandstructure'],
    [{ energyratestructure: [[{ rate: 1e-7 }]] }, 'energyratestructure[0][0].rate'],
    [
      { energyratestructure: [[{ rate: 0.1 }]], energyweekdayschedule: matriz(16, 21) },
      'energyweekdayschedule',
    ],
    [
      { energyratestructure: [[{ rate: 0.1, adj: -0.2 }], [{ rate: 1 }]] },
      'energyratestructure[0][0].rate',
    ],
  ])('refuses %j naming %s', (cambios, campo) => {
    try {
      desdeUrdb(registro(cambios));
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      expect((e as InvalidInputError).errors.map((x) => x.field)).toContain(campo);
    }
  });

  it('refuses to export what URDB cannot hold', () => {
    const { version, desde } = desdeUrdb(registro());
    expect(() =>
      haciaUrdb(
        { ...version, impuestos: [{ nombre: 'IVA', tipo: 'porcentaje', valor: '19' }] },
        'x',
        desde!,
      ),
    ).toThrow(InvalidInputError);
    try {
      haciaUrdb({ ...version, demanda: { porPeriodo: ['0', '15'] } }, 'x', desde!);
      throw new Error('exported');
    } catch (e) {
      expect((e as InvalidInputError).errors.map((x) => x.field)).toEqual(['demanda.porPeriodo']);
    }
  });
});

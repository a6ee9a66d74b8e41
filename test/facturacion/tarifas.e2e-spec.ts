import { http } from '../support/http';
import { useSuite } from '../support/facturacion';
import { tarifaEjemplo } from '../support/tarifa-ejemplo';

const T = '/api/facturacion/tarifas';
const definicion = (precioPunta: string) =>
  tarifaEjemplo({
    periodos: [
      { nombre: 'Valle', bloques: [{ hasta: '100', precio: '500' }, { precio: '700' }] },
      { nombre: 'Punta', bloques: [{ precio: precioPunta }] },
    ],
  });

/** Tariffs as versioned data: created, versioned, never edited, refused by field. */
describe('facturacion tariffs', () => {
  const suite = useSuite({ ENERGIA_CRON: 'off' });
  const url = () => suite.facturacion.url;

  it('creates a tariff, adds a later version that ends the first, refuses rewriting history', async () => {
    const creada = await http(url(), 'POST', T, {
      nombre: 'Residencial TOU',
      desde: '2026-01-01',
      definicion: definicion('900'),
    });
    expect(creada.status).toBe(201);
    const id = creada.body.id as string;
    expect(creada.body.versiones).toEqual([
      expect.objectContaining({ desde: '2026-01-01', hasta: null, definicion: definicion('900') }),
    ]);
    const v2 = await http(url(), 'POST', `${T}/${id}/versiones`, {
      desde: '2026-07-01',
      definicion: definicion('950'),
    });
    expect(v2.status).toBe(201);
    expect(
      v2.body.versiones.map((v: any) => [
        v.desde,
        v.hasta,
        v.definicion.periodos[1].bloques[0].precio,
      ]),
    ).toEqual([
      ['2026-01-01', '2026-07-01', '900'],
      ['2026-07-01', null, '950'],
    ]);
    const antes = await http(url(), 'POST', `${T}/${id}/versiones`, {
      desde: '2026-03-01',
      definicion: definicion('1'),
    });
    expect([antes.status, antes.body.desde]).toEqual([409, '2026-07-01']);
    const igual = await http(url(), 'POST', T, {
      nombre: 'Residencial TOU',
      desde: '2026-01-01',
      definicion: definicion('1'),
    });
    expect(igual.status).toBe(409);
    const log = await suite.destino.query(
      `SELECT accion, clave FROM auditoria WHERE entidad = 'tarifa' AND entidad_id = $1 ORDER BY id`,
      [id],
    );
    expect(log.rows).toEqual([
      { accion: 'crear', clave: 'service' },
      { accion: 'nueva_version', clave: 'service' },
    ]);
  });

  it('the database refuses editing a version, even by hand', async () => {
    const creada = await http(url(), 'POST', T, {
      nombre: 'Fija',
      desde: '2026-01-01',
      definicion: definicion('900'),
    });
    await expect(
      suite.destino.query(
        `UPDATE tarifa_version SET definicion = jsonb_set(definicion, '{cargoFijo}', '"0"') WHERE tarifa_id = $1`,
        [creada.body.id],
      ),
    ).rejects.toThrow('a tariff version is never edited');
    await expect(
      suite.destino.query(`UPDATE tarifa_version SET desde = '2025-01-01' WHERE tarifa_id = $1`, [
        creada.body.id,
      ]),
    ).rejects.toThrow('a tariff version is never edited');
  });

  it.each([
    [{ nombre: 'x', desde: '2026-02-30', definicion: definicion('1') }, 'desde'],
    [{ nombre: 'x', desde: '2026-1-1', definicion: definicion('1') }, 'desde'],
    [{ nombre: 'x', desde: '2026-01-01', definicion: 'barata' }, 'definicion'],
    [
      { nombre: 'x', desde: '2026-01-01', definicion: { ...definicion('1'), cargoFijo: '-5' } },
      'cargoFijo',
    ],
    [
      {
        nombre: 'x',
        desde: '2026-01-01',
        definicion: { ...definicion('1'), fixedchargefirstmeter: 5 },
      },
      'fixedchargefirstmeter',
    ],
    [
      { nombre: 'x', desde: '2026-01-01', definicion: { ...definicion('-900') } },
      'periodos[1].bloques[0].precio',
    ],
    [
      { nombre: 'x', desde: '2026-01-01', definicion: { ...definicion('1'), semana: [[0]] } },
      'semana',
    ],
    [{ nombre: 'x\u0000', desde: '2026-01-01', definicion: definicion('1') }, 'nombre'],
  ])('refuses %j naming %s', async (body, campo) => {
    const res = await http(url(), 'POST', T, body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(campo);
  });

  it('prices an account with one tariff at a time: a change from a date ends the previous one there', async () => {
    const t1 = await http(url(), 'POST', T, {
      nombre: 'T1',
      desde: '2026-01-01',
      definicion: definicion('900'),
    });
    const t2 = await http(url(), 'POST', T, {
      nombre: 'T2',
      desde: '2026-01-01',
      definicion: definicion('800'),
    });
    const cuenta = await http(url(), 'POST', '/api/facturacion/cuentas', {
      nombre: 'Con tarifa',
      moneda: 'COP',
    });
    const C = `/api/facturacion/cuentas/${cuenta.body.id}/tarifa`;
    expect(
      (await http(url(), 'PUT', C, { tarifaId: t1.body.id, desde: '2026-01-01' })).status,
    ).toBe(200);
    const cambio = await http(url(), 'PUT', C, { tarifaId: t2.body.id, desde: '2026-03-15' });
    expect(cambio.body.tarifas).toEqual([
      { tarifaId: t1.body.id, desde: '2026-01-01', hasta: '2026-03-15' },
      { tarifaId: t2.body.id, desde: '2026-03-15', hasta: null },
    ]);
    const reescribir = await http(url(), 'PUT', C, { tarifaId: t1.body.id, desde: '2026-02-01' });
    expect([reescribir.status, reescribir.body.desde]).toEqual([409, '2026-03-15']);
    expect(
      (await http(url(), 'PUT', C, { tarifaId: t2.body.id, desde: '2026-03-15' })).status,
    ).toBe(200);
    expect(
      (await http(url(), 'PUT', C, { tarifaId: '99999999', desde: '2026-05-01' })).status,
    ).toBe(404);
    const fecha = await http(url(), 'PUT', C, { tarifaId: t1.body.id, desde: '2026-13-01' });
    expect([fecha.status, fecha.body.errors?.[0]?.field]).toEqual([400, 'desde']);
    const log = await suite.destino.query(
      `SELECT accion FROM auditoria WHERE entidad = 'cuenta' AND entidad_id = $1 ORDER BY id`,
      [cuenta.body.id],
    );
    expect(log.rows.map((r) => r.accion)).toEqual(['crear', 'asignar_tarifa', 'asignar_tarifa']);
    await expect(
      suite.destino.query(
        `INSERT INTO cuenta_tarifa (cuenta_id, tarifa_id, desde) VALUES ($1, $2, '2026-01-10')`,
        [cuenta.body.id, t2.body.id],
      ),
    ).rejects.toMatchObject({ code: '23P01' });
  });

  it('imports a URDB record, exports it back, and refuses what it does not support by name', async () => {
    const matriz = (h0: number, h1: number) =>
      Array.from({ length: 12 }, () =>
        Array.from({ length: 24 }, (_, h) => (h >= h0 && h < h1 ? 1 : 0)),
      );
    const registro = {
      label: '5a1b2c3d4e5f',
      utility: 'Example Electric Co',
      name: 'Residential TOU (URDB)',
      startdate: 1767225600,
      energyweekdayschedule: matriz(16, 21),
      energyweekendschedule: matriz(0, 0),
      energyratestructure: [[{ max: 500, rate: 0.1223 }, { rate: 0.14 }], [{ rate: 0.28 }]],
      fixedchargefirstmeter: 10.5,
      fixedchargeunits: '$/month',
    };
    const creada = await http(url(), 'POST', `${T}/urdb`, { registro });
    expect(creada.status).toBe(201);
    expect(creada.body).toMatchObject({
      nombre: 'Residential TOU (URDB)',
      versiones: [{ desde: '2026-01-01', hasta: null, definicion: { cargoFijo: '10.5' } }],
    });
    const fuera = await http(url(), 'GET', `${T}/${creada.body.id}/urdb`);
    expect(fuera.status).toBe(200);
    const { label: _label, utility: _utility, ...precios } = registro;
    expect(fuera.body).toEqual(precios);
    const malo = await http(url(), 'POST', `${T}/urdb`, {
      registro: {
        ...registro,
        name: 'otra',
        demandratestructure: [[{ rate: 3 }]],
        fixedchargeunits: '$/day',
      },
    });
    expect(malo.status).toBe(400);
    expect(malo.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'demandratestructure',
      'fixedchargeunits',
    ]);
  });

  it('404 for an unknown tariff; a page of tariffs', async () => {
    expect((await http(url(), 'GET', `${T}/99999999`)).status).toBe(404);
    expect(
      (
        await http(url(), 'POST', `${T}/99999999/versiones`, {
          desde: '2027-01-01',
          definicion: definicion('1'),
        })
      ).status,
    ).toBe(404);
    const pagina = await http(url(), 'GET', `${T}?limite=1`);
    expect(pagina.body.tarifas).toHaveLength(1);
    expect(pagina.body.siguiente).toBe(pagina.body.tarifas[0].id);
  });
});

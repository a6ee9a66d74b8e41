import { http } from '../support/http';
import { useSuite } from '../support/facturacion';

const C = '/api/facturacion/cuentas';

/** Accounts: rules, devices moved between accounts over time, audit, concurrency. */
describe('facturacion accounts', () => {
  const suite = useSuite({ DEFAULT_TIME_ZONE: 'America/Bogota', ENERGIA_CRON: 'off' });
  const url = () => suite.facturacion.url;
  const crear = async (body: object) => {
    const res = await http(url(), 'POST', C, body);
    expect([res.status, res.body]).toEqual([
      201,
      expect.objectContaining({ id: expect.any(String) }),
    ]);
    return res.body;
  };

  it('creates an account with the default zone, and the currency with its ISO minor unit', async () => {
    const a = await crear({ nombre: '  Panadería La Espiga ', moneda: 'COP' });
    expect(a).toMatchObject({
      nombre: 'Panadería La Espiga',
      zona: 'America/Bogota',
      moneda: 'COP',
      decimales: 2,
      diaCiclo: null,
      dispositivos: [],
    });
    const b = await crear({
      nombre: 'Viña',
      zona: 'America/Santiago',
      moneda: 'CLP',
      diaCiclo: 15,
    });
    expect(b).toMatchObject({
      zona: 'America/Santiago',
      moneda: 'CLP',
      decimales: 0,
      diaCiclo: 15,
    });
  });

  it.each([
    [{ nombre: 'a\u0000b', moneda: 'COP' }, 'nombre'],
    [{ nombre: '   ', moneda: 'COP' }, 'nombre'],
    [{ nombre: 'x'.repeat(201), moneda: 'COP' }, 'nombre'],
    [{ moneda: 'COP' }, 'nombre'],
    [{ nombre: 'x', moneda: 'XAU' }, 'moneda'],
    [{ nombre: 'x', moneda: 'cop' }, 'moneda'],
    [{ nombre: 'x', moneda: 'COP', zona: 'Mars/Olympus' }, 'zona'],
    [{ nombre: 'x', moneda: 'COP', diaCiclo: 29 }, 'diaCiclo'],
    [{ nombre: 'x', moneda: 'COP', diaCiclo: 1.5 }, 'diaCiclo'],
    [{ nombre: { $gt: '' }, moneda: 'COP' }, 'nombre'],
  ])('refuses %j naming %s', async (body, field) => {
    const res = await http(url(), 'POST', C, body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('bills a device moved on the 10th to the old account until then and to the new one after', async () => {
    const a = await crear({ nombre: 'A', moneda: 'COP' });
    const b = await crear({ nombre: 'B', moneda: 'COP' });
    const dia1 = '2026-03-01T00:00:00-05:00';
    const dia10 = '2026-03-10T00:00:00-05:00';
    expect(
      (await http(url(), 'PUT', `${C}/${a.id}/dispositivos/MOV1`, { desde: dia1 })).status,
    ).toBe(200);
    const movida = await http(url(), 'PUT', `${C}/${b.id}/dispositivos/MOV1`, { desde: dia10 });
    expect(movida.status).toBe(200);
    expect(movida.body.dispositivos).toEqual([
      { numeroSerie: 'MOV1', desde: '2026-03-10T05:00:00.000Z', hasta: null },
    ]);
    expect((await http(url(), 'GET', `${C}/${a.id}`)).body.dispositivos).toEqual([
      { numeroSerie: 'MOV1', desde: '2026-03-01T05:00:00.000Z', hasta: '2026-03-10T05:00:00.000Z' },
    ]);

    // history is never rewritten silently: assigning it to A from the 5th conflicts with B
    const antes = await http(url(), 'PUT', `${C}/${a.id}/dispositivos/MOV1`, {
      desde: '2026-03-05T00:00:00-05:00',
    });
    expect(antes.status).toBe(409);
    expect(antes.body).toMatchObject({ cuentaId: b.id, desde: '2026-03-10T05:00:00.000Z' });
    // the same assignment again changes nothing, and is not audited twice
    expect(
      (await http(url(), 'PUT', `${C}/${b.id}/dispositivos/MOV1`, { desde: dia10 })).status,
    ).toBe(200);
    const log = await http(url(), 'GET', `${C}/${b.id}/auditoria`);
    expect(log.body.auditoria.map((e: { accion: string }) => e.accion)).toEqual([
      'crear',
      'asignar_dispositivo',
    ]);
    expect(log.body.auditoria[1]).toMatchObject({
      clave: 'service',
      antes: { cuentaId: a.id, desde: '2026-03-01T05:00:00.000Z', hasta: null },
      despues: { cuentaId: b.id, numeroSerie: 'MOV1', hasta: null },
    });

    // it leaves B at the start of April; it is not in B after that
    const fuera = await http(
      url(),
      'DELETE',
      `${C}/${b.id}/dispositivos/MOV1?hasta=2026-04-01T00:00:00-05:00`,
    );
    expect(fuera.body.dispositivos[0].hasta).toBe('2026-04-01T05:00:00.000Z');
    expect(
      (
        await http(
          url(),
          'DELETE',
          `${C}/${b.id}/dispositivos/MOV1?hasta=2026-04-02T00:00:00-05:00`,
        )
      ).status,
    ).toBe(404);
  });

  it('the database itself refuses a device in two accounts at once', async () => {
    const a = await crear({ nombre: 'X', moneda: 'EUR' });
    await suite.destino.query(
      `INSERT INTO cuenta_dispositivo (numero_serie, cuenta_id, desde, hasta)
       VALUES ('DB1', $1, '2026-01-01Z', '2026-02-01Z')`,
      [a.id],
    );
    await expect(
      suite.destino.query(
        `INSERT INTO cuenta_dispositivo (numero_serie, cuenta_id, desde) VALUES ('DB1', $1, '2026-01-31Z')`,
        [a.id],
      ),
    ).rejects.toMatchObject({ code: '23P01' });
  });

  it('moves of one device at once by several staff: each a clear answer, never an overlap', async () => {
    const cuentas = [
      await crear({ nombre: 'P', moneda: 'USD' }),
      await crear({ nombre: 'Q', moneda: 'USD' }),
    ];
    const res = await Promise.all(
      Array.from({ length: 12 }, (_, k) =>
        http(url(), 'PUT', `${C}/${cuentas[k % 2].id}/dispositivos/RACE1`, {
          desde: new Date(Date.UTC(2026, 0, 1 + ((k * 7) % 12))).toISOString(),
        }),
      ),
    );
    for (const r of res) expect([200, 409]).toContain(r.status);
    const { rows } = await suite.destino.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE hasta IS NULL)::int AS abiertas
       FROM cuenta_dispositivo WHERE numero_serie = 'RACE1'`,
    );
    expect(rows[0].abiertas).toBe(1);
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it('changes an account, audits what changed (and nothing when nothing did); 404 and 400 name what is wrong', async () => {
    const a = await crear({ nombre: 'Cambia', moneda: 'COP' });
    const cambiada = await http(url(), 'PATCH', `${C}/${a.id}`, { moneda: 'CLP', diaCiclo: 5 });
    expect(cambiada.body).toMatchObject({
      nombre: 'Cambia',
      moneda: 'CLP',
      decimales: 0,
      diaCiclo: 5,
    });
    expect((await http(url(), 'PATCH', `${C}/${a.id}`, { moneda: 'CLP' })).status).toBe(200);
    const log = (await http(url(), 'GET', `${C}/${a.id}/auditoria`)).body.auditoria;
    expect(log.map((e: { accion: string }) => e.accion)).toEqual(['crear', 'actualizar']);
    expect(log[1]).toMatchObject({
      antes: { moneda: 'COP', decimales: 2, diaCiclo: null },
      despues: { moneda: 'CLP', decimales: 0, diaCiclo: 5 },
    });
    expect((await http(url(), 'GET', `${C}/999999999`)).status).toBe(404);
    expect((await http(url(), 'PATCH', `${C}/999999999`, { nombre: 'x' })).status).toBe(404);
    const malId = await http(url(), 'GET', `${C}/abc`);
    expect([malId.status, malId.body.errors?.[0]?.field]).toEqual([400, 'id']);
    const fecha = await http(url(), 'PUT', `${C}/${a.id}/dispositivos/D9`, {
      desde: '10000-01-01',
    });
    expect([fecha.status, fecha.body.errors?.[0]?.field]).toEqual([400, 'desde']);
  });

  it('lists accounts a page at a time', async () => {
    const primera = await http(url(), 'GET', `${C}?limite=2`);
    expect(primera.body.cuentas).toHaveLength(2);
    const segunda = await http(url(), 'GET', `${C}?limite=2&despuesDe=${primera.body.siguiente}`);
    expect(Number(segunda.body.cuentas[0].id)).toBeGreaterThan(Number(primera.body.cuentas[1].id));
    expect((await http(url(), 'GET', `${C}?despuesDe=x'`)).status).toBe(400);
  });
});

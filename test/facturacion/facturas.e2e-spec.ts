import { TEST_API_KEY } from '../support/dispositivo';
import { http } from '../support/http';
import { ingest, syncUntilCaughtUp, useSuite } from '../support/facturacion';
import { pdfTexto } from '../support/pdf';
import { tarifaEjemplo as definicion } from '../support/tarifa-ejemplo';

const F = '/api/facturacion';
const Q = 15 * 60_000;
/**
 * A draft statement end to end: register readings into dispositivo, the sync,
 * the energy job, an account with the device and a tariff; totals by hand
 * (the worked example of docs/billing.md).
 */
describe('facturacion draft statements', () => {
  const suite = useSuite({ BILLING_VARIABLES: 'energia_kwh', ENERGIA_CRON: 'off' });
  const url = () => suite.facturacion.url;
  let cuenta: string;

  beforeAll(async () => {
    await http(url(), 'PUT', `${F}/catalogo/energia_kwh`, { tipo: 'contador', unidad: 'kWh' });
    // Monday 2026-03-02, 17:00 to 19:00 in Bogotá: +30 kWh every quarter-hour
    const t0 = Date.parse('2026-03-02T17:00:00-05:00');
    await ingest(
      suite.dispositivo.url,
      Array.from({ length: 9 }, (_, k) => ({
        nombreVariable: 'energia_kwh',
        numeroSerie: 'FAC1',
        estampaTiempo: new Date(t0 + k * Q).toISOString(),
        valorVariable: 1000 + 30 * k,
      })),
    );
    await syncUntilCaughtUp(suite.facturacion);
    expect((await http(url(), 'POST', `${F}/energia/calculos`)).status).toBe(200);
    const c = await http(url(), 'POST', `${F}/cuentas`, {
      nombre: 'Panadería',
      zona: 'America/Bogota',
      moneda: 'COP',
    });
    cuenta = c.body.id;
    await http(url(), 'PUT', `${F}/cuentas/${cuenta}/dispositivos/FAC1`, {
      desde: '2026-01-01T00:00:00-05:00',
    });
  });

  it('without a tariff: a draft that prices nothing and says why', async () => {
    const b = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, { periodo: '2026-03' });
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ estado: 'borrador', total: '0.00', lineas: [] });
    expect(b.body.problemas[0]).toMatch(/^no tariff from 2026-03-01T05:00:00.000Z/);
  });

  it("prices the month with the tariff in force: the worked example's 219,371.35, line by line", async () => {
    const t = await http(url(), 'POST', `${F}/tarifas`, {
      nombre: 'TOU',
      desde: '2026-01-01',
      definicion: definicion(),
    });
    await http(url(), 'PUT', `${F}/cuentas/${cuenta}/tarifa`, {
      tarifaId: t.body.id,
      desde: '2026-01-01',
    });
    const b = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, { periodo: '2026-03' });
    expect(b.body).toMatchObject({
      periodo: '2026-03',
      desde: '2026-03-01T05:00:00.000Z',
      hasta: '2026-04-01T05:00:00.000Z',
      moneda: 'COP',
      total: '219371.35',
      energia: '240',
      estimada: '0.000000',
      cobertura: '0.002688', // 2 covered hours of March's 744
      problemas: [],
    });
    expect(b.body.lineas.map((l: any) => [l.concepto, l.cantidad, l.importe, l.tarifa])).toEqual([
      ['Valle, bloque 1', '100', '50000.00', 'TOU'],
      ['Valle, bloque 2', '20', '14000.00', 'TOU'],
      ['Punta', '120', '108000.00', 'TOU'],
      ['Cargo fijo', '1', '12345.67', 'TOU'],
      ['IVA', '184345.67', '35025.68', 'TOU'],
    ]);
    // the answer is the statement as stored, field for field
    expect((await http(url(), 'GET', `${F}/facturas/${b.body.id}`)).body).toEqual(b.body);
    // as CSV (decimal commas with ;) and as PDF, with the same lines and total
    const csv = await http(url(), 'GET', `${F}/facturas/${b.body.id}?formato=csv&separador=;`);
    const filas = String(csv.body).split('\r\n').filter(Boolean);
    expect(filas).toHaveLength(7); // header, 5 lines, total
    expect(filas[1]).toMatch(/^energia;Valle, bloque 1;Valle;1;100;kWh;500;50000,00;TOU;/);
    expect(filas[6]).toBe('total;COP;;;;;;219371,35;;;;;;');
    // each energy line's coverage and estimated share, of its TOU period: 1 of Punta's 88
    // weekday hours has data (1/88), 1 of Valle's 656 (1/656)
    expect(b.body.lineas.map((l: any) => [l.concepto, l.cobertura, l.estimada])).toEqual([
      ['Valle, bloque 1', '0.001524', '0'],
      ['Valle, bloque 2', '0.001524', '0'],
      ['Punta', '0.011364', '0'],
      ['Cargo fijo', null, null],
      ['IVA', null, null],
    ]);
    expect(filas[3]).toMatch(/;0,011364;0$/);
    const pdf = await fetch(`${url()}${F}/facturas/${b.body.id}?formato=pdf`, {
      headers: { 'x-api-key': TEST_API_KEY },
    });
    expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    const { paginas, texto } = await pdfTexto(Buffer.from(await pdf.arrayBuffer()));
    expect(paginas).toBe(1);
    expect(texto).toContain('BORRADOR');
    expect(texto).toContain('Periodo: 2026-03-01 a 2026-03-31 (America/Bogota)');
    expect(texto).toContain('219,371.35');
    for (const concepto of ['Valle, bloque 1', 'Valle, bloque 2', 'Punta', 'Cargo fijo', 'IVA']) {
      expect(texto.split('\n').filter((x) => x === concepto)).toHaveLength(1);
    }
    // rebuilding the draft gives the same statement (same id)
    const otra = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, {
      periodo: '2026-03',
    });
    expect([otra.body.id, otra.body.total]).toEqual([b.body.id, '219371.35']);
  });

  it("a holiday in the account's calendar is priced as the tariff says (as a weekend here)", async () => {
    const festivo = `${F}/calendarios/CO/festivos/2026-03-02`;
    const nada = await http(url(), 'PATCH', `${F}/cuentas/${cuenta}`, { calendario: 'CO' });
    expect([nada.status, nada.body.errors]).toEqual([
      400,
      [{ field: 'calendario', reason: 'no calendar CO: add its holidays first' }],
    ]);
    const mal = await http(url(), 'PUT', `${F}/calendarios/CO/festivos/2026-02-30`, {
      nombre: 'x',
    });
    expect([mal.status, mal.body.errors]).toEqual([
      400,
      [{ field: 'fecha', reason: 'must be a calendar date' }],
    ]);
    expect((await http(url(), 'PUT', festivo, { nombre: 'Festivo de prueba' })).status).toBe(200);
    expect((await http(url(), 'GET', `${F}/calendarios/CO/festivos?anio=2026`)).body).toEqual({
      calendario: 'CO',
      festivos: [{ fecha: '2026-03-02', nombre: 'Festivo de prueba' }],
    });
    const c = await http(url(), 'PATCH', `${F}/cuentas/${cuenta}`, { calendario: 'CO' });
    expect([c.status, c.body.calendario]).toEqual([200, 'CO']);
    // Monday the 2nd is a holiday: its 240 kWh are all Valle (the weekend's 17:00-19:00):
    // 100 x 500 + 140 x 700 = 148000; fixed 12345.67; IVA 19 % of 160345.67 = 30465.6773
    const b = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, { periodo: '2026-03' });
    expect(b.body.lineas.map((l: any) => [l.concepto, l.cantidad, l.importe])).toEqual([
      ['Valle, bloque 1', '100', '50000.00'],
      ['Valle, bloque 2', '140', '98000.00'],
      ['Cargo fijo', '1', '12345.67'],
      ['IVA', '160345.67', '30465.68'],
    ]);
    expect(b.body.total).toBe('190811.35');
    // fewer lines than the draft it replaced: none of the old ones is left behind
    expect((await http(url(), 'GET', `${F}/facturas/${b.body.id}`)).body).toEqual(b.body);
    expect((await http(url(), 'DELETE', festivo)).status).toBe(200);
    expect((await http(url(), 'DELETE', festivo)).status).toBe(404);
    const sin = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, {
      periodo: '2026-03',
    });
    expect(sin.body.total).toBe('219371.35');
    const { rows } = await suite.destino.query(
      `SELECT accion FROM auditoria WHERE entidad = 'calendario' AND entidad_id = 'CO' ORDER BY id`,
    );
    expect(rows.map((r) => r.accion)).toEqual(['agregar_festivo', 'quitar_festivo']);
  });

  it('a tariff change on the 16th: two pieces, each with its share of the fixed charge', async () => {
    const t2 = await http(url(), 'POST', `${F}/tarifas`, {
      nombre: 'TOU bis',
      desde: '2026-01-01',
      definicion: definicion(),
    });
    await http(url(), 'PUT', `${F}/cuentas/${cuenta}/tarifa`, {
      tarifaId: t2.body.id,
      desde: '2026-03-16',
    });
    const b = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, { periodo: '2026-03' });
    // 1-15 March is 15/31 = 0.483870967742 of the month: the fixed charge and the block limit
    // scale by it. Valle's first block holds 48.3870967742 kWh (x 500 = 24193.5484 -> 24193.55),
    // the other 71.6129032258 kWh x 700 = 50129.0323 -> 50129.03; Punta 120 x 900; fixed
    // 12345.665 x 0.483870967742 = 5973.7089 -> 5973.71; IVA 19 % of 188296.29 = 35776.2951
    // -> 35776.30. 16-31 March (16/31): fixed 6371.9561 -> 6371.96, IVA 1210.6724 -> 1210.67
    expect(b.body.lineas.map((l: any) => [l.tarifa, l.concepto, l.importe])).toEqual([
      ['TOU', 'Valle, bloque 1', '24193.55'],
      ['TOU', 'Valle, bloque 2', '50129.03'],
      ['TOU', 'Punta', '108000.00'],
      ['TOU', 'Cargo fijo', '5973.71'],
      ['TOU', 'IVA', '35776.30'],
      ['TOU bis', 'Cargo fijo', '6371.96'],
      ['TOU bis', 'IVA', '1210.67'],
    ]);
    expect(b.body.total).toBe('231655.22');
    // more lines than the draft it replaces, stored as answered
    expect((await http(url(), 'GET', `${F}/facturas/${b.body.id}`)).body).toEqual(b.body);
  });

  it('finalises only the reviewed draft, once, with the next number; then it never changes', async () => {
    const b = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, { periodo: '2026-03' });
    const fin = `${F}/facturas/${b.body.id}/finalizar`;
    const sin = await http(url(), 'POST', fin, {});
    expect([sin.status, sin.body.errors?.[0]?.field]).toEqual([400, 'confirmacion']);
    const vieja = await http(url(), 'POST', fin, { confirmacion: '2026-01-01T00:00:00Z' });
    expect([vieja.status, vieja.body.message]).toEqual([
      409,
      'the draft was rebuilt after that review: review it again (its calculadaEn)',
    ]);
    const ok = await http(url(), 'POST', fin, { confirmacion: b.body.calculadaEn });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ estado: 'final', serie: 'F', numero: '1', total: '231655.22' });
    expect((await http(url(), 'POST', fin, { confirmacion: b.body.calculadaEn })).status).toBe(409);
    const otra = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, {
      periodo: '2026-03',
    });
    expect(otra.status).toBe(409);
    const pdf = await fetch(`${url()}${F}/facturas/${b.body.id}`, {
      headers: { 'x-api-key': TEST_API_KEY, accept: 'application/pdf' },
    });
    const { texto } = await pdfTexto(Buffer.from(await pdf.arrayBuffer()));
    expect(texto).toContain('Factura F-000001');
    expect(texto).not.toContain('BORRADOR');
    expect(texto).toContain('231,655.22');

    await expect(
      suite.destino.query(`UPDATE factura SET total = 0 WHERE id = $1`, [b.body.id]),
    ).rejects.toThrow('a final statement is never changed');
    await expect(
      suite.destino.query(`DELETE FROM factura_linea WHERE factura_id = $1`, [b.body.id]),
    ).rejects.toThrow('a final statement is never changed');
    expect((await http(url(), 'GET', `${F}/facturas/${b.body.id}`)).body.total).toBe('231655.22');
  });

  it('refuses to finalise a draft with problems, and says which', async () => {
    const c = await http(url(), 'POST', `${F}/cuentas`, { nombre: 'Sin tarifa', moneda: 'COP' });
    const b = await http(url(), 'POST', `${F}/cuentas/${c.body.id}/facturas`, {
      periodo: '2026-03',
    });
    const r = await http(url(), 'POST', `${F}/facturas/${b.body.id}/finalizar`, {
      confirmacion: b.body.calculadaEn,
    });
    expect(r.status).toBe(409);
    expect(r.body.problemas[0]).toMatch(/^no tariff from/);
  });

  it('numbers without gaps or duplicates: concurrent finalisations on two instances, and one rolled back', async () => {
    const tarifa = await http(url(), 'POST', `${F}/tarifas`, {
      nombre: 'Fija serie',
      desde: '2026-01-01',
      definicion: definicion(),
    });
    const borradores = [];
    for (let k = 0; k < 8; k++) {
      const c = await http(url(), 'POST', `${F}/cuentas`, { nombre: `Serie ${k}`, moneda: 'COP' });
      await http(url(), 'PUT', `${F}/cuentas/${c.body.id}/tarifa`, {
        tarifaId: tarifa.body.id,
        desde: '2026-01-01',
      });
      borradores.push(
        (await http(url(), 'POST', `${F}/cuentas/${c.body.id}/facturas`, { periodo: '2026-03' }))
          .body,
      );
    }
    // the last one's finalisation fails after taking its number: the rollback gives it back
    const ultima = borradores.pop();
    await suite.destino.query(`CREATE FUNCTION falla() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
    await suite.destino.query(`CREATE TRIGGER falla AFTER UPDATE ON factura FOR EACH ROW
      WHEN (NEW.id = ${Number(ultima.id)}) EXECUTE FUNCTION falla()`);
    const fallida = await http(url(), 'POST', `${F}/facturas/${ultima.id}/finalizar`, {
      confirmacion: ultima.calculadaEn,
    });
    expect(fallida.status).toBeGreaterThanOrEqual(500);
    await suite.destino.query(`DROP TRIGGER falla ON factura`);
    // two staff finalise each of the seven at once, through two facturacion instances
    const otra = await suite.startFacturacion();
    const res = await Promise.all(
      [...borradores, ...borradores].map((b, k) =>
        http(k < borradores.length ? url() : otra.url, 'POST', `${F}/facturas/${b.id}/finalizar`, {
          confirmacion: b.calculadaEn,
        }),
      ),
    );
    await otra.kill('SIGTERM');
    expect(res.filter((r) => r.status === 200)).toHaveLength(7);
    expect(res.filter((r) => r.status === 409)).toHaveLength(7);
    const ok = await http(url(), 'POST', `${F}/facturas/${ultima.id}/finalizar`, {
      confirmacion: ultima.calculadaEn,
    });
    expect(ok.status).toBe(200);
    const { rows } = await suite.destino.query(
      `SELECT numero::int AS n FROM factura WHERE serie = 'F' ORDER BY numero`,
    );
    // statement 1 was finalised above: 2..9 now, none skipped, none twice
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a reading after March is final: March unchanged byte for byte, an adjustment on April', async () => {
    const marzo = await suite.destino.query(
      `SELECT id::text FROM factura WHERE cuenta_id = $1 AND periodo = '2026-03'`,
      [cuenta],
    );
    const id = marzo.rows[0].id as string;
    const antes = await http(url(), 'GET', `${F}/facturas/${id}`);
    // a late reading: 30 kWh more on the Monday from 19:00 to 19:15 (Punta)
    await ingest(suite.dispositivo.url, [
      {
        nombreVariable: 'energia_kwh',
        numeroSerie: 'FAC1',
        estampaTiempo: '2026-03-03T00:15:00.000Z',
        valorVariable: 1270,
      },
    ]);
    await syncUntilCaughtUp(suite.facturacion);
    expect((await http(url(), 'POST', `${F}/energia/calculos`)).status).toBe(200);
    expect((await http(url(), 'GET', `${F}/facturas/${id}`)).body).toEqual(antes.body);
    const abril = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, {
      periodo: '2026-04',
    });
    // March now: Punta 150 kWh (+27000.00), its piece's IVA 19 % of 215296.29 = 40906.30
    // (+5130.00): 32130.00 more than its final total
    expect(abril.body.lineas.filter((l: any) => l.tipo === 'ajuste')).toEqual([
      expect.objectContaining({
        concepto: 'Ajuste de F-000001 (2026-03): +30 de energía',
        importe: '32130.00',
        ajustaFacturaId: id,
      }),
    ]);
    // April's own fixed charge 12345.67 and IVA 2345.68, plus the adjustment
    expect(abril.body.total).toBe('46821.35');
    const otra = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, {
      periodo: '2026-04',
    });
    expect(otra.body.lineas.filter((l: any) => l.tipo === 'ajuste')).toHaveLength(1);
    expect(otra.body.total).toBe('46821.35');
    // once April is final, May owes nothing more for March
    await http(url(), 'POST', `${F}/facturas/${otra.body.id}/finalizar`, {
      confirmacion: otra.body.calculadaEn,
    });
    const mayo = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, {
      periodo: '2026-05',
    });
    expect(mayo.body.lineas.filter((l: any) => l.tipo === 'ajuste')).toEqual([]);
  });

  it('re-rates a period with another version: a diff, then an adjustment (final) or a rebuilt draft', async () => {
    // a corrected tariff: Punta at 1000, fixed charge 20000
    const t = await http(url(), 'POST', `${F}/tarifas`, {
      nombre: 'TOU 2026b',
      desde: '2026-01-01',
      definicion: definicion({
        cargoFijo: '20000',
        periodos: [
          { nombre: 'Valle', bloques: [{ hasta: '100', precio: '500' }, { precio: '700' }] },
          { nombre: 'Punta', bloques: [{ precio: '1000' }] },
        ],
      }),
    });
    const versionId = t.body.versiones[0].id;
    const ruta = `${F}/cuentas/${cuenta}/facturas/refacturar`;
    const marzo = await http(
      url(),
      'GET',
      `${F}/facturas/${
        (
          await suite.destino.query(
            `SELECT id::text FROM factura WHERE cuenta_id = $1 AND periodo = '2026-03'`,
            [cuenta],
          )
        ).rows[0].id
      }`,
    );
    const mayo = await suite.destino.query(
      `SELECT id::text, calculada_en FROM factura WHERE cuenta_id = $1 AND periodo = '2026-05'`,
      [cuenta],
    );

    // March (final, 231,655.22) with the late 30 kWh, all of it by the new version: Valle
    // 50000 + 14000, Punta 150 x 1000, fixed 20000, IVA 19 % of 234000 = 44460: 278,460.00
    const prueba = await http(url(), 'POST', ruta, { periodo: '2026-03', versionId });
    expect(prueba.status).toBe(200);
    expect(prueba.body).toMatchObject({
      estado: 'final',
      antes: '231655.22',
      despues: '278460.00',
      diferencia: '46804.78',
      aplicada: false,
      problemas: [],
    });
    expect(
      prueba.body.lineas.map((l: any) => [
        l.concepto,
        l.antes?.importe,
        l.despues?.importe,
        l.diferencia,
      ]),
    ).toEqual([
      ['Valle, bloque 1', '24193.55', '50000.00', '25806.45'],
      ['Valle, bloque 2', '50129.03', '14000.00', '-36129.03'],
      ['Punta', '108000.00', '150000.00', '42000.00'],
      ['Cargo fijo', '12345.67', '20000.00', '7654.33'], // the two pieces' 5973.71 + 6371.96
      ['IVA', '36986.97', '44460.00', '7473.03'],
    ]);
    // a dry run changes nothing
    const mayoAhora = await suite.destino.query(`SELECT calculada_en FROM factura WHERE id = $1`, [
      mayo.rows[0].id,
    ]);
    expect(mayoAhora.rows[0].calculada_en).toEqual(mayo.rows[0].calculada_en);

    // applied: March stays as it was; April is final, so May (the next draft) gets
    // 278460.00 - 231655.22 - the 32130.00 April already adjusted = 14,674.78
    const hecha = await http(url(), 'POST', ruta, { periodo: '2026-03', versionId, aplicar: true });
    expect(hecha.status).toBe(200);
    expect(hecha.body.aplicada).toBe(true);
    expect(hecha.body.factura).toMatchObject({ id: mayo.rows[0].id, periodo: '2026-05' });
    expect(hecha.body.factura.lineas.filter((l: any) => l.tipo === 'ajuste')).toEqual([
      expect.objectContaining({
        concepto: `Ajuste de F-000001 (2026-03): +30 de energía, refacturada con TOU 2026b (versión ${versionId})`,
        importe: '14674.78',
      }),
    ]);
    // May's own fixed charge 12345.67 and IVA 2345.68, plus the adjustment
    expect(hecha.body.factura.total).toBe('29366.13');
    expect((await http(url(), 'GET', `${F}/facturas/${marzo.body.id}`)).body).toEqual(marzo.body);

    // May is a draft: re-rated, it is rebuilt with the version (fixed 20000, IVA 3800), the
    // adjustment for March unchanged (applying again never adds it twice)
    const mayoPrueba = await http(url(), 'POST', ruta, { periodo: '2026-05', versionId });
    expect(mayoPrueba.body).toMatchObject({
      antes: '14691.35',
      despues: '23800.00',
      diferencia: '9108.65',
    });
    const mayoHecha = await http(url(), 'POST', ruta, {
      periodo: '2026-05',
      versionId,
      aplicar: true,
    });
    expect(mayoHecha.body.factura.total).toBe('38474.78'); // 23800.00 + 14674.78
    expect(mayoHecha.body.factura.lineas.map((l: any) => [l.tarifa, l.concepto])).toEqual([
      ['TOU 2026b', 'Cargo fijo'],
      ['TOU 2026b', 'IVA'],
      [null, expect.stringMatching(/^Ajuste de F-000001/)],
    ]);
    const otraVez = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, {
      periodo: '2026-05',
    });
    expect(otraVez.body.total).toBe('38474.78');

    // April is final, its energy unchanged, and it holds March's adjustment (32130.00): re-rated,
    // its own lines are compared (fixed 20000 + IVA 3800 = 23800.00 against 12345.67 + 2345.68 =
    // 14691.35), never its total with the adjustment: 9,108.65 more on May
    const abril = await http(url(), 'POST', ruta, { periodo: '2026-04', versionId, aplicar: true });
    expect(abril.body).toMatchObject({ antes: '14691.35', despues: '23800.00' });
    expect(abril.body.factura.lineas.filter((l: any) => l.tipo === 'ajuste')).toEqual([
      expect.objectContaining({ importe: '14674.78' }),
      expect.objectContaining({
        concepto: expect.stringMatching(
          /^Ajuste de F-\d{6} \(2026-04\): refacturada con TOU 2026b \(versión \d+\)$/,
        ),
        importe: '9108.65',
      }),
    ]);
    expect(abril.body.factura.total).toBe('47583.43'); // 23800.00 + 14674.78 + 9108.65
    const { rows } = await suite.destino.query(
      `SELECT accion FROM auditoria WHERE entidad = 'factura' AND accion = 'refacturar'`,
    );
    expect(rows).toHaveLength(3);

    // bad input, by name
    const mal = await http(url(), 'POST', ruta, {
      periodo: '2026-03',
      versionId: 'x',
      aplicar: 'si',
    });
    expect([mal.status, mal.body.errors.map((e: any) => e.field).sort()]).toEqual([
      400,
      ['aplicar', 'versionId'],
    ]);
    expect(
      (await http(url(), 'POST', ruta, { periodo: '2026-03', versionId: '999999' })).status,
    ).toBe(404);
    expect((await http(url(), 'POST', ruta, { periodo: '2030-01', versionId })).status).toBe(404);
  });

  it('the statements job: a draft for the current period, rebuilt on new energy, final after the grace days', async () => {
    const c = await http(url(), 'POST', `${F}/cuentas`, {
      nombre: 'Programada',
      zona: 'America/Bogota',
      moneda: 'COP',
    });
    const tarifa = await http(url(), 'POST', `${F}/tarifas`, {
      nombre: 'Programada',
      desde: '2026-01-01',
      definicion: definicion(),
    });
    await http(url(), 'PUT', `${F}/cuentas/${c.body.id}/tarifa`, {
      tarifaId: tarifa.body.id,
      desde: '2026-01-01',
    });
    await http(url(), 'PUT', `${F}/cuentas/${c.body.id}/dispositivos/FAC2`, {
      desde: '2026-01-01T00:00:00-05:00',
    });
    const marzo = await http(url(), 'POST', `${F}/cuentas/${c.body.id}/facturas`, {
      periodo: '2026-03',
    });
    expect(marzo.body.estado).toBe('borrador');

    const primera = await http(url(), 'POST', `${F}/facturas/programado`);
    expect(primera.status).toBe(200);
    // March ended long ago (plus GRACIA_DIAS, 5): final by schedule
    const marzoFinal = await http(url(), 'GET', `${F}/facturas/${marzo.body.id}`);
    expect(marzoFinal.body).toMatchObject({ estado: 'final', serie: 'F' });
    const { rows } = await suite.destino.query(`SELECT finalizada_por FROM factura WHERE id = $1`, [
      marzo.body.id,
    ]);
    expect(rows[0].finalizada_por).toBe('programado');
    // the current period's draft exists, with no energy yet
    const ahora = await suite.destino.query(
      `SELECT id::text, periodo, desde, energia::text FROM factura WHERE cuenta_id = $1 AND estado = 'borrador'`,
      [c.body.id],
    );
    expect(ahora.rows).toHaveLength(1);
    expect(ahora.rows[0].energia).toBe('0');

    // energy in the current period, in the past: from two hours ago (or the period's start,
    // in its first two hours), 2 kWh per quarter-hour
    const t0 = Math.max(
      new Date(ahora.rows[0].desde).getTime(),
      Math.floor((Date.now() - 2 * 3_600_000) / Q) * Q,
    );
    await ingest(
      suite.dispositivo.url,
      [0, 1, 2].map((k) => ({
        nombreVariable: 'energia_kwh',
        numeroSerie: 'FAC2',
        estampaTiempo: new Date(t0 + k * Q).toISOString(),
        valorVariable: 50 + 2 * k,
      })),
    );
    await syncUntilCaughtUp(suite.facturacion);
    await http(url(), 'POST', `${F}/energia/calculos`);
    const segunda = await http(url(), 'POST', `${F}/facturas/programado`);
    expect(segunda.body.recalculadas).toBeGreaterThanOrEqual(1);
    const rehecha = await http(url(), 'GET', `${F}/facturas/${ahora.rows[0].id}`);
    expect(rehecha.body).toMatchObject({ estado: 'borrador', energia: '4' });
    // nothing changed since: the next run rebuilds nothing of this account
    const tercera = await http(url(), 'POST', `${F}/facturas/programado`);
    const otraVez = await http(url(), 'GET', `${F}/facturas/${ahora.rows[0].id}`);
    expect(otraVez.body.calculadaEn).toBe(rehecha.body.calculadaEn);
    expect(tercera.body.finalizadas).toBe(0);
    // a change to the account (its calendar), then a holiday added to that calendar: the next
    // run after each rebuilds the draft
    const calculada = async () =>
      (await http(url(), 'GET', `${F}/facturas/${ahora.rows[0].id}`)).body.calculadaEn;
    await http(url(), 'PUT', `${F}/calendarios/PROG/festivos/2026-01-01`, { nombre: 'Año nuevo' });
    await http(url(), 'PATCH', `${F}/cuentas/${c.body.id}`, { calendario: 'PROG' });
    await http(url(), 'POST', `${F}/facturas/programado`);
    const trasCuenta = await calculada();
    expect(trasCuenta).not.toBe(rehecha.body.calculadaEn);
    await http(url(), 'POST', `${F}/facturas/programado`);
    expect(await calculada()).toBe(trasCuenta);
    await http(url(), 'PUT', `${F}/calendarios/PROG/festivos/2026-01-06`, { nombre: 'Reyes' });
    await http(url(), 'POST', `${F}/facturas/programado`);
    expect(await calculada()).not.toBe(trasCuenta);
  });

  it('refuses a bad period or account by name', async () => {
    const p = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, { periodo: '2026-13' });
    expect([p.status, p.body.errors?.[0]?.field]).toEqual([400, 'periodo']);
    // PostgreSQL has no year 0: a clear 400, never its error as a 500
    const cero = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas`, {
      periodo: '0000-01',
    });
    expect([cero.status, cero.body.errors]).toEqual([
      400,
      [{ field: 'periodo', reason: 'must be a month, YYYY-MM, from 1900' }],
    ]);
    const refacturar = await http(url(), 'POST', `${F}/cuentas/${cuenta}/facturas/refacturar`, {
      periodo: '0000-12',
      versionId: '1',
    });
    expect([refacturar.status, refacturar.body.errors?.[0]?.field]).toEqual([400, 'periodo']);
    for (const [metodo, ruta, cuerpo, campo] of [
      ['PUT', `${F}/calendarios/CO/festivos/0000-01-01`, { nombre: 'x' }, 'fecha'],
      ['PUT', `${F}/cuentas/${cuenta}/tarifa`, { tarifaId: '1', desde: '0000-02-01' }, 'desde'],
      [
        'POST',
        `${F}/tarifas`,
        { nombre: 'Cero', desde: '0000-01-01', definicion: definicion() },
        'desde',
      ],
    ] as const) {
      const r = await http(url(), metodo, ruta, cuerpo);
      expect([r.status, r.body.errors?.map((e: any) => e.field)]).toEqual([400, [campo]]);
    }
    const anio = await http(url(), 'GET', `${F}/calendarios/CO/festivos?anio=0000`);
    expect([anio.status, anio.body.errors?.[0]?.field]).toEqual([400, 'anio']);
    expect(
      (await http(url(), 'POST', `${F}/cuentas/9999999/facturas`, { periodo: '2026-03' })).status,
    ).toBe(404);
    expect((await http(url(), 'GET', `${F}/facturas/9999999`)).status).toBe(404);
    const malId = await http(url(), 'GET', `${F}/facturas/abc`);
    expect([malId.status, malId.body.errors]).toEqual([
      400,
      [{ field: 'id', reason: 'must be an id (a positive integer)' }],
    ]);
  });
});

import { configureLogging } from '@iot/common';
import { Pool } from 'pg';
import type { SchedulerRegistry } from '@nestjs/schedule';
import { http } from '../support/http';
import { ingest, syncUntilCaughtUp, useSuite } from '../support/facturacion';
import { tarifaEjemplo as definicion } from '../support/tarifa-ejemplo';
import { RetencionRepository } from '../../apps/facturacion/src/retencion/retencion.repository';
import { RetencionService } from '../../apps/facturacion/src/retencion/retencion.service';

const F = '/api/facturacion';
const HORA = 3_600_000;
const ENERO = Date.parse('2026-01-01T00:00:00Z');
const ABRIL = Date.parse('2026-04-01T00:00:00Z');

/** A meter every hour from January to March 2026: +1 kWh an hour. */
const contador = (numeroSerie: string) =>
  Array.from({ length: (ABRIL - ENERO) / HORA }, (_, k) => ({
    nombreVariable: 'energia_kwh',
    numeroSerie,
    estampaTiempo: new Date(ENERO + k * HORA).toISOString(),
    valorVariable: 1000 + k,
  }));

/**
 * Retention of facturacion's samples (issue 19): off by default; when on,
 * samples older than the retention go, but never those of a period a final
 * statement does not cover (a draft's, one not billed yet); statements and
 * intervals stay, and a day whose samples are gone is never recomputed.
 */
describe('facturacion sample retention', () => {
  const suite = useSuite({ BILLING_VARIABLES: 'energia_kwh', ENERGIA_CRON: 'off' });
  const url = () => suite.facturacion.url;
  let pool: Pool;
  let finales: { id: string; total: string }[];
  let marzo: { id: string; total: string };
  let energiaEnero: unknown;

  const retencion = (dias: number) =>
    new RetencionService(
      { dias },
      new RetencionRepository(pool),
      {} as SchedulerRegistry, // the job is run by the test, never scheduled
      pool,
    );
  const muestras = async (serie: string) =>
    (
      await suite.destino.query<{ desde: string | null; n: number }>(
        `SELECT min(estampa_tiempo) AS desde, count(*)::int AS n
         FROM variables.energia_kwh WHERE numero_serie = $1`,
        [serie],
      )
    ).rows[0];
  const energia = (serie: string, desde: string, hasta: string) =>
    http(
      url(),
      'GET',
      `${F}/energia?numeroSerie=${serie}&desde=${desde}&hasta=${hasta}&intervalo=dia&zona=UTC`,
    ).then((r) => r.body as unknown);

  beforeAll(async () => {
    configureLogging({ service: 'test', level: 'silent' });
    pool = new Pool({ connectionString: suite.facturacionDb.url, max: 2 });
    // the suite drops the database when it ends, possibly before this pool's end
    pool.on('error', () => undefined);
    await http(url(), 'PUT', `${F}/catalogo/energia_kwh`, { tipo: 'contador', unidad: 'kWh' });
    for (const serie of ['RET-FINAL', 'RET-SUELTO', 'RET-BORRADOR']) {
      await ingest(suite.dispositivo.url, contador(serie));
    }
    await syncUntilCaughtUp(suite.facturacion);
    expect((await http(url(), 'POST', `${F}/energia/calculos`)).status).toBe(200);
    const tarifa = await http(url(), 'POST', `${F}/tarifas`, {
      nombre: 'TOU',
      desde: '2026-01-01',
      definicion: definicion(),
    });
    const cuenta = async (serie: string) => {
      const c = await http(url(), 'POST', `${F}/cuentas`, {
        nombre: serie,
        zona: 'UTC',
        moneda: 'COP',
      });
      await http(url(), 'PUT', `${F}/cuentas/${c.body.id}/dispositivos/${serie}`, {
        desde: '2026-01-01T00:00:00Z',
      });
      await http(url(), 'PUT', `${F}/cuentas/${c.body.id}/tarifa`, {
        tarifaId: tarifa.body.id,
        desde: '2026-01-01',
      });
      return c.body.id as string;
    };
    const a = await cuenta('RET-FINAL');
    const b = await cuenta('RET-BORRADOR');
    finales = [];
    for (const periodo of ['2026-01', '2026-02']) {
      const d = await http(url(), 'POST', `${F}/cuentas/${a}/facturas`, { periodo });
      const f = await http(url(), 'POST', `${F}/facturas/${d.body.id}/finalizar`, {
        confirmacion: d.body.calculadaEn,
      });
      expect(f.status).toBe(200);
      finales.push(f.body);
    }
    marzo = (await http(url(), 'POST', `${F}/cuentas/${a}/facturas`, { periodo: '2026-03' })).body;
    await http(url(), 'POST', `${F}/cuentas/${b}/facturas`, { periodo: '2026-01' });
    energiaEnero = await energia('RET-FINAL', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
  });
  afterAll(async () => {
    await pool.end();
  });

  it('is off by default: nothing is deleted', async () => {
    const r = await retencion(0).ejecutar();
    expect(r).toEqual({ hecho: false, borradas: {}, marcasDescartadas: 0 });
    expect((await muestras('RET-SUELTO')).n).toBe((ABRIL - ENERO) / HORA);
  });

  it('deletes old samples except those of periods no final statement covers', async () => {
    const r = await retencion(30).ejecutar(new Date('2026-12-06T12:00:00Z'));
    expect(r.hecho).toBe(true);
    expect(r.corte).toBe('2026-11-06T00:00:00.000Z');
    // January and February of the billed device (final), all of the device in no account
    const marzoEnAdelante = (ABRIL - Date.parse('2026-03-01T00:00:00Z')) / HORA;
    expect(r.borradas).toEqual({
      energia_kwh: (ABRIL - ENERO) / HORA - marzoEnAdelante + (ABRIL - ENERO) / HORA,
    });
    expect(await muestras('RET-FINAL')).toEqual({
      desde: new Date('2026-03-01T00:00:00Z'),
      n: marzoEnAdelante,
    });
    expect((await muestras('RET-SUELTO')).n).toBe(0);
    // its account has only a draft: every sample stays
    expect((await muestras('RET-BORRADOR')).n).toBe((ABRIL - ENERO) / HORA);
    // a second run finds nothing more
    expect((await retencion(30).ejecutar(new Date('2026-12-06T13:00:00Z'))).borradas).toEqual({
      energia_kwh: 0,
    });
  });

  it('keeps statements and intervals; the draft of a kept period prices the same', async () => {
    for (const f of finales) {
      expect((await http(url(), 'GET', `${F}/facturas/${f.id}`)).body.total).toBe(f.total);
    }
    expect(await energia('RET-FINAL', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')).toEqual(
      energiaEnero,
    );
    const c = (await http(url(), 'GET', `${F}/facturas/${marzo.id}`)).body;
    const rehecha = await http(url(), 'POST', `${F}/cuentas/${c.cuentaId}/facturas`, {
      periodo: '2026-03',
    });
    expect(rehecha.body.total).toBe(marzo.total);
  });

  it('never recomputes a day whose samples are gone, and drops a late sample of it', async () => {
    // a late reading of January 15th (its neighbours are gone): the day's energy must not change
    await ingest(suite.dispositivo.url, [
      {
        nombreVariable: 'energia_kwh',
        numeroSerie: 'RET-FINAL',
        estampaTiempo: '2026-01-15T10:30:00.000Z',
        valorVariable: 1344.5,
      },
    ]);
    await syncUntilCaughtUp(suite.facturacion);
    expect((await http(url(), 'POST', `${F}/energia/calculos`)).status).toBe(200);
    expect(await energia('RET-FINAL', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')).toEqual(
      energiaEnero,
    );
    const r = await retencion(30).ejecutar(new Date('2026-12-06T14:00:00Z'));
    expect(r.borradas).toEqual({ energia_kwh: 1 });
    expect(r.marcasDescartadas).toBe(1);
  });
});

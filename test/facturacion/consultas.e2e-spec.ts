import { parse } from 'csv-parse/sync';
import { TEST_API_KEY } from '../support/dispositivo';
import { ingest, syncUntilCaughtUp, useSuite } from '../support/facturacion';
import { http } from '../support/http';

const HOUR = 3_600_000;
const ZONE = 'Europe/Madrid';

/** Hourly for A and two-hourly for B around both 2026 DST changes in Madrid. */
function readings() {
  const out: { numeroSerie: string; estampaTiempo: number; valorVariable: number }[] = [];
  for (const start of [Date.UTC(2026, 2, 27), Date.UTC(2026, 9, 23)]) {
    for (let h = 0; h < 24 * 5; h++) {
      const t = start + h * HOUR + 15 * 60_000;
      out.push({ numeroSerie: 'A', estampaTiempo: t, valorVariable: ((h * 37) % 101) + 0.5 });
      if (h % 2 === 0)
        out.push({ numeroSerie: 'B', estampaTiempo: t, valorVariable: 220 + (h % 7) });
    }
  }
  return out;
}

const localDay = (ms: number): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, dateStyle: 'short' }).format(ms);

function expectedDays(rows: { estampaTiempo: number; valorVariable: number }[]) {
  const days = new Map<string, number[]>();
  for (const r of rows)
    days.set(localDay(r.estampaTiempo), [
      ...(days.get(localDay(r.estampaTiempo)) ?? []),
      r.valorVariable,
    ]);
  return [...days.entries()].map(([day, v]) => ({
    day,
    cantidad: v.length,
    minimo: Math.min(...v),
    maximo: Math.max(...v),
    suma: v.reduce((a, b) => a + b, 0),
  }));
}

type Row = Record<string, string>;

const decimal = (text: string): number => Number(text.replace(',', '.'));

const fromCsv = (r: Record<string, string>) => ({
  idDispositivo: Number(r.idDispositivo),
  nombreVariable: r.nombreVariable,
  numeroSerie: r.numeroSerie,
  estampaTiempo: r.estampaTiempo,
  valorVariable: decimal(r.valorVariable),
});

describe('facturacion: billing staff queries', () => {
  const suite = useSuite();
  const base = () => `${suite.facturacion.url}/api/facturacion/variables/voltaje`;
  const all = readings();
  const get = (path: string) =>
    http(suite.facturacion.url, 'GET', `/api/facturacion/variables/voltaje${path}`);

  beforeAll(async () => {
    await ingest(
      suite.dispositivo.url,
      all.map((r) => ({ ...r, nombreVariable: 'voltaje' })),
    );
    await syncUntilCaughtUp(suite.facturacion);
  });

  it('pages through every reading with keyset cursors, filtered by device and range', async () => {
    const seen: any[] = [];
    let cursor: string | null = '';
    for (let i = 0; cursor !== null && i < 100; i++) {
      const page = await get(`/lecturas?limite=50${cursor ? `&despuesDe=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.lecturas);
      cursor = page.body.siguiente;
    }
    expect(seen).toHaveLength(all.length);
    const order = seen.map((l) => [Date.parse(l.estampaTiempo), l.idDispositivo]);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    expect(new Set(seen.map((l) => l.idDispositivo)).size).toBe(all.length);

    const desde = Date.UTC(2026, 2, 28, 5);
    const hasta = Date.UTC(2026, 2, 29, 5);
    const b = await get(
      `/lecturas?numeroSerie=B&desde=${new Date(desde).toISOString()}&hasta=${hasta}&limite=1000`,
    );
    const expected = all.filter(
      (r) => r.numeroSerie === 'B' && r.estampaTiempo >= desde && r.estampaTiempo < hasta,
    );
    expect(b.body.lecturas.map((l: any) => [Date.parse(l.estampaTiempo), l.valorVariable])).toEqual(
      expected.map((r) => [r.estampaTiempo, r.valorVariable]),
    );
    expect(b.body.siguiente).toBeNull();
  });

  it('sums per local day in an IANA zone, with 23- and 25-hour DST days', async () => {
    const res = await get(`/resumen?intervalo=dia&zona=${ZONE}&numeroSerie=A`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nombreVariable: 'voltaje', intervalo: 'dia', zona: ZONE });
    const expected = expectedDays(all.filter((r) => r.numeroSerie === 'A'));
    expect(res.body.resumen.map((b: any) => localDay(Date.parse(b.inicio)))).toEqual(
      expected.map((e) => e.day),
    );
    res.body.resumen.forEach((b: any, i: number) => {
      expect(b).toMatchObject({
        cantidad: expected[i].cantidad,
        minimo: expected[i].minimo,
        maximo: expected[i].maximo,
      });
      expect(b.suma).toBeCloseTo(expected[i].suma, 6);
      expect(b.promedio).toBeCloseTo(expected[i].suma / expected[i].cantidad, 6);
    });
    const hours = (day: string) => {
      const b = res.body.resumen.find((x: any) => localDay(Date.parse(x.inicio)) === day);
      return (Date.parse(b.fin) - Date.parse(b.inicio)) / HOUR;
    };
    expect(hours('2026-03-29')).toBe(23);
    expect(hours('2026-10-25')).toBe(25);
    expect(hours('2026-03-30')).toBe(24);
    // A reads hourly: the long day has 25 readings, the short one 23
    expect(
      res.body.resumen.find((x: any) => localDay(Date.parse(x.inicio)) === '2026-10-25').cantidad,
    ).toBe(25);
    expect(
      res.body.resumen.find((x: any) => localDay(Date.parse(x.inicio)) === '2026-03-29').cantidad,
    ).toBe(23);
  });

  it('gives one bucket per local hour across the repeated hour, per device when asked', async () => {
    const res = await get(
      `/resumen?intervalo=hora&zona=${ZONE}&desde=2026-10-24T22:00:00Z&hasta=2026-10-25T23:00:00Z&porDispositivo=true`,
    );
    expect(res.body).toMatchObject({ intervalo: 'hora' });
    const a = res.body.resumen.filter((b: any) => b.numeroSerie === 'A');
    expect(a).toHaveLength(25);
    expect(
      a.every((b: any) => b.cantidad === 1 && Date.parse(b.fin) - Date.parse(b.inicio) === HOUR),
    ).toBe(true);
    expect(res.body.resumen.filter((b: any) => b.numeroSerie === 'B').length).toBeGreaterThan(10);
    const month = await get(`/resumen?intervalo=mes&zona=UTC`);
    const months = new Map<string, number>();
    for (const r of all) {
      const m = `${new Date(r.estampaTiempo).toISOString().slice(0, 7)}-01T00:00:00.000Z`;
      months.set(m, (months.get(m) ?? 0) + 1);
    }
    expect(month.body.resumen.map((b: any) => [b.inicio, b.cantidad])).toEqual([...months]);
  });

  it('streams CSV that parses back to the same rows, with ";" and decimal commas', async () => {
    const json = (await get('/lecturas?numeroSerie=A&limite=10000')).body.lecturas;
    const csv = await get('/lecturas?numeroSerie=A&formato=csv&separador=;');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = parse<Row>(csv.body as string, { delimiter: ';', columns: true });
    expect(rows.some((r) => r.valorVariable.includes(','))).toBe(true);
    expect(rows.map(fromCsv)).toEqual(json);

    // Accept: text/csv asks for it too, with the standard comma
    const accepted = await fetch(`${base()}/lecturas?numeroSerie=A`, {
      headers: { accept: 'text/csv', 'x-api-key': TEST_API_KEY },
    });
    expect(accepted.headers.get('content-type')).toContain('text/csv');
    const comma = parse<Row>(await accepted.text(), { columns: true });
    expect(comma.map(fromCsv)).toEqual(json);

    const summary = await get(`/resumen?zona=${ZONE}&formato=csv&separador=;&porDispositivo=true`);
    const buckets = parse<Row>(summary.body as string, { delimiter: ';', columns: true });
    const asJson = (await get(`/resumen?zona=${ZONE}&porDispositivo=true`)).body.resumen;
    expect(
      buckets.map((b) => ({
        inicio: b.inicio,
        fin: b.fin,
        numeroSerie: b.numeroSerie,
        cantidad: Number(b.cantidad),
        minimo: decimal(b.minimo),
        maximo: decimal(b.maximo),
        promedio: decimal(b.promedio),
        suma: decimal(b.suma),
      })),
    ).toEqual(asJson);
  });

  it.each(['%00', '%FF', 'voltaje%00', 'a%2Fb'])(
    'answers 400 to the variable name %s',
    async (n) => {
      const res = await http(
        suite.facturacion.url,
        'GET',
        `/api/facturacion/variables/${n}/lecturas`,
      );
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0].field ?? res.body.message).toMatch(/nombre|not a valid url/);
    },
  );

  it.each([
    ['/lecturas?limite=0', 'limite'],
    ['/lecturas?limite=10001', 'limite'],
    ['/lecturas?desde=yesterday', 'desde'],
    ['/lecturas?desde=2026-03-02T00:00:00Z&hasta=2026-03-01T00:00:00Z', 'hasta'],
    ['/lecturas?despuesDe=OTk5OTk5OTk5OTk5OTk5OS4x', 'despuesDe'],
    ['/lecturas?numeroSerie=a%2Fb', 'numeroSerie'],
    ['/lecturas?formato=xml', 'formato'],
    ['/lecturas?formato=csv&separador=%7C', 'separador'],
    ['/resumen?zona=Mars%2FPhobos', 'zona'],
    ['/resumen?intervalo=anio', 'intervalo'],
    ['/resumen?porDispositivo=maybe', 'porDispositivo'],
    // an outsider's inputs: NUL, invalid UTF-8, repeated and absurd values
    ['/lecturas?numeroSerie=A%00B', 'numeroSerie'],
    ['/lecturas?numeroSerie=A&numeroSerie=B', 'numeroSerie'],
    ['/resumen?zona=%00', 'zona'],
    ['/resumen?zona=%FF%FE', 'zona'],
    ['/resumen?zona=America%2FBogota%00', 'zona'],
    ['/lecturas?limite=1e309', 'limite'],
    ['/lecturas?limite=-1', 'limite'],
    ['/lecturas?desde=99999-01-01T00:00:00Z', 'desde'],
    ['/lecturas?hasta=1969-12-31T23:59:59Z', 'hasta'],
  ])('answers 400 to %s naming %s', async (path, field) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.field)).toEqual([field]);
  });
});

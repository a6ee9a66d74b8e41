import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, chromium, ConsoleMessage, Page } from 'playwright-core';
import { connectAsync } from 'mqtt';
import { ORIGINAL_TOPIC } from '@iot/contracts';
import { NpmStart, npmStart } from '../support/npm-start';
import { tarifaEjemplo } from '../support/tarifa-ejemplo';
import { pdfTexto } from '../support/pdf';
import { waitFor } from '../support/wait';

const ROOT = join(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every page at two widths: CI keeps this folder as an artifact. */
const CAPTURAS = join(ROOT, 'artifacts', 'consola');
const MIN = 60_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');

if (!existsSync(CHROMIUM) && process.env.REQUIRE_CHROMIUM === '1') {
  throw new Error(`REQUIRE_CHROMIUM=1 but there is no browser at ${CHROMIUM}`);
}
if (!existsSync(CHROMIUM)) {
  process.stderr.write(
    `console spec skipped: no browser at ${CHROMIUM} (apt-get install chromium)\n`,
  );
}

/**
 * The console (issue 20) in headless Chromium against `npm start` on its
 * embedded defaults, with data the test sends through the gateway: sign-in,
 * roles, a device's plot (points, a gap, zoom), a statement's downloads, and
 * on every page no console error, no failed request, no serious or critical
 * accessibility violation (axe-core in the page).
 */
(existsSync(CHROMIUM) ? describe : describe.skip)('web console in a browser', () => {
  let work: string;
  let start: NpmStart | undefined;
  let browser: Browser;
  let gateway: string;
  const key: Record<'admin' | 'device' | 'staff', string> = { admin: '', device: '', staff: '' };
  let statement: { id: string; total: string };

  const api = async (method: string, path: string, body?: unknown, k = key.admin) => {
    const res = await fetch(`${gateway}${path}`, {
      method,
      headers: {
        'x-api-key': k,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'consola-e2e-'));
    start = await npmStart(work, {
      BILLING_VARIABLES: 'voltaje,energia_kwh',
      SYNC_CRON: 'off',
      ENERGIA_CRON: 'off',
    });
    gateway = start.gateway;
    key.admin = start.key('admin')!;
    key.device = start.key('dispositivo')!;
    key.staff = (await api('POST', '/api/gateway/keys', { role: 'facturacion' })).key;

    // a day of voltaje every minute with two hours missing, and a month of a meter for billing
    const voltaje = Array.from({ length: 1440 }, (_, i) => i)
      .filter((i) => i < 600 || i >= 720)
      .map((i) => ({
        nombreVariable: 'voltaje',
        numeroSerie: 'CONSOLA-1',
        estampaTiempo: new Date(T0 + i * MIN).toISOString(),
        valorVariable: 220 + (i % 60) / 10,
      }));
    const contador = Array.from({ length: 31 * 24 }, (_, h) => ({
      nombreVariable: 'energia_kwh',
      numeroSerie: 'CONSOLA-1',
      estampaTiempo: new Date(Date.parse('2026-03-01T05:00:00Z') + h * 3_600_000).toISOString(),
      valorVariable: 1000 + h * 2,
    }));
    const todas = [...voltaje, ...contador];
    for (let i = 0; i < todas.length; i += 1000) {
      await api('POST', '/api/dispositivo/lecturas', todas.slice(i, i + 1000), key.device);
    }
    // a dead letter: an MQTT message that is not a reading, with a byte that is not UTF-8
    const mqtt = await connectAsync(`mqtt://127.0.0.1:${start.brokerPort}`, {
      username: key.device.split('_')[1],
      password: key.device,
    });
    await mqtt.publishAsync(ORIGINAL_TOPIC, Buffer.from([0x7b, 0xff, 0x7d]), { qos: 1 });
    await mqtt.endAsync();
    await api('PUT', '/api/facturacion/catalogo/energia_kwh', { tipo: 'contador', unidad: 'kWh' });
    await api('POST', '/api/facturacion/sincronizaciones');
    await waitFor(
      async () =>
        (await api('GET', '/api/facturacion/variables')).variables.some(
          (v: { nombre: string; filas: number }) =>
            v.nombre === 'energia_kwh' && v.filas === contador.length,
        ),
      60_000,
      'the sync',
    );
    await api('POST', '/api/facturacion/energia/calculos');
    const cuenta = await api('POST', '/api/facturacion/cuentas', {
      nombre: 'Panadería Consola',
      zona: 'America/Bogota',
      moneda: 'COP',
    });
    await api('PUT', `/api/facturacion/cuentas/${cuenta.id}/dispositivos/CONSOLA-1`, {
      desde: '2026-01-01T00:00:00-05:00',
    });
    const tarifa = await api('POST', '/api/facturacion/tarifas', {
      nombre: 'TOU',
      desde: '2026-01-01',
      definicion: tarifaEjemplo(),
    });
    await api('PUT', `/api/facturacion/cuentas/${cuenta.id}/tarifa`, {
      tarifaId: tarifa.id,
      desde: '2026-01-01',
    });
    statement = await api('POST', `/api/facturacion/cuentas/${cuenta.id}/facturas`, {
      periodo: '2026-03',
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    mkdirSync(CAPTURAS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await start?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A page with its console errors and failed requests collected. */
  async function abrir(width = 1280) {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      acceptDownloads: true,
      timezoneId: 'Europe/Madrid',
    });
    const page = await context.newPage();
    const errores: string[] = [];
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') errores.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errores.push(`page: ${e.message}`));
    page.on('requestfailed', (r) => errores.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) errores.push(`${r.status()}: ${r.url()}`);
    });
    return { page, errores, close: () => context.close() };
  }

  /** The page at both widths, after its data settled. */
  async function capturar(page: Page, nombre: string) {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(CAPTURAS, `${nombre}-1280.png`), fullPage: true });
    await page.setViewportSize({ width: 800, height: 900 });
    await page.waitForTimeout(100); // the plots follow their box's width
    await page.screenshot({ path: join(CAPTURAS, `${nombre}-800.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function entrar(page: Page, k: string) {
    await page.goto(`${gateway}/`);
    await page.fill('#clave', k);
    await page.click('button[type=submit]');
  }

  /** axe-core in the page: the serious and critical violations' ids. */
  async function accesibilidad(page: Page): Promise<string[]> {
    // evaluated by the debugger protocol: the page's CSP (no inline script) stays in force
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    // page code as text: this project's types stay Node's (no DOM lib)
    return page.evaluate<string[]>(`(async () => {
      const r = await axe.run();
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id + ' (' + v.nodes.length + ')');
    })()`);
  }

  it('refuses a wrong key at sign-in and says why', async () => {
    const { page, close } = await abrir();
    await entrar(page, 'iot_000000000000_wrong');
    await expect(page.locator('[role=alert]').textContent()).resolves.toMatch(/^401/);
    await expect(page.locator('nav').count()).resolves.toBe(0);
    await close();
  });

  it('signs in; first load under 250 kB gzip; every page works, is accessible, and is captured', async () => {
    const { page, errores, close } = await abrir();
    await entrar(page, key.admin);
    await page.waitForSelector('nav a');
    expect(await page.locator('nav a').allTextContents()).toEqual([
      'Ingesta',
      'Rechazadas',
      'Dispositivos',
      'Facturación',
      'Claves',
    ]);
    const bytes = await page.evaluate<number>(`performance
      .getEntriesByType('resource')
      .concat(performance.getEntriesByType('navigation'))
      .filter((e) => !e.name.includes('/api/'))
      .reduce((n, e) => n + e.transferSize, 0)`);
    writeFileSync(join(CAPTURAS, 'primera-carga.txt'), `${bytes} bytes transferred\n`);
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThan(250_000);
    for (const ruta of ['ingesta', 'rechazadas', 'dispositivos', 'facturacion', 'claves']) {
      await page.goto(`${gateway}/#/${ruta}`);
      await page.waitForSelector('main h2');
      await page.waitForLoadState('networkidle');
      expect({ ruta, violaciones: await accesibilidad(page) }).toEqual({ ruta, violaciones: [] });
      await capturar(page, ruta);
    }
    expect(errores).toEqual([]);
    await close();
  });

  it("plots a device's variable with the API's points and a visible gap; zooming fetches a finer series", async () => {
    const { page, errores, close } = await abrir();
    await entrar(page, key.admin);
    await page.goto(`${gateway}/#/dispositivos`);
    await page.fill('#buscar', 'CONSOLA');
    await page.click('text=CONSOLA-1');
    await page.waitForSelector('.detalle select');
    const primera = page.waitForResponse(
      (r) =>
        r.url().includes('/api/dispositivo/grafica') && r.url().includes('nombreVariable=voltaje'),
    );
    await page.selectOption('.detalle select', 'voltaje');
    const res = await primera;
    const serie = (await res.json()) as { t: number[]; v: (number | null)[]; anchoMs: number };
    const plot = page.locator('[data-puntos]');
    await expect(plot.getAttribute('data-puntos')).resolves.toBe(String(serie.t.length));
    expect(serie.v.filter((v) => v === null).length).toBeGreaterThan(0);
    await expect(plot.getAttribute('data-huecos')).resolves.not.toBe('0');
    await capturar(page, 'dispositivos-grafica');
    // drag over a tenth of the plot: the console asks for that range
    const caja = (await page.locator('.u-over').boundingBox())!;
    const fina = page.waitForResponse((r) => r.url().includes('/api/dispositivo/grafica'));
    await page.mouse.move(caja.x + caja.width * 0.4, caja.y + caja.height / 2);
    await page.mouse.down();
    await page.mouse.move(caja.x + caja.width * 0.5, caja.y + caja.height / 2, { steps: 5 });
    await page.mouse.up();
    const zoom = (await (await fina).json()) as { anchoMs: number; desde: string; hasta: string };
    expect(zoom.anchoMs).toBeLessThan(serie.anchoMs);
    expect(Date.parse(zoom.hasta) - Date.parse(zoom.desde)).toBeLessThan(
      (serie.t.at(-1)! - serie.t[0]) / 5,
    );
    await capturar(page, 'dispositivos-zoom');
    expect(errores).toEqual([]);
    await close();
  });

  it("shows a statement whose total is the API's, and downloads it as PDF and CSV", async () => {
    const { page, errores, close } = await abrir();
    await entrar(page, key.admin);
    await page.goto(`${gateway}/#/facturacion`);
    await page.getByLabel('Cuentas').selectOption({ label: 'Panadería Consola' });
    await page.click(`text=2026-03`);
    const total = page.locator('[data-total]');
    await expect(total.getAttribute('data-total')).resolves.toBe(statement.total);
    const pdf = page.waitForEvent('download');
    await page.click('text=Descargar PDF');
    const ruta = join(work, 'factura.pdf');
    await (await pdf).saveAs(ruta);
    const { texto } = await pdfTexto(readFileSync(ruta));
    expect(texto).toContain(
      Number(statement.total).toLocaleString('en-US', { minimumFractionDigits: 2 }),
    );
    const csv = page.waitForEvent('download');
    await page.click('text=Descargar CSV');
    const rutaCsv = join(work, 'factura.csv');
    await (await csv).saveAs(rutaCsv);
    expect(readFileSync(rutaCsv, 'utf8')).toContain(statement.total);
    await capturar(page, 'facturacion-factura');
    expect(errores).toEqual([]);
    await close();
  });

  it('shows a key only what its role may use; a device key gets no page', async () => {
    const staff = await abrir();
    await entrar(staff.page, key.staff);
    await staff.page.waitForSelector('nav a');
    expect(await staff.page.locator('nav a').allTextContents()).toEqual(['Facturación']);
    // a route of another role typed by hand is not there either
    await staff.page.goto(`${gateway}/#/claves`);
    await expect(staff.page.locator('main h2').textContent()).resolves.toBe('Facturación');
    await staff.close();
    const device = await abrir();
    await entrar(device.page, key.device);
    await device.page.waitForSelector('text=Esta clave no tiene páginas');
    await expect(device.page.locator('nav a').count()).resolves.toBe(0);
    await device.close();
  });

  it('switches pages with data cached in under 100 ms, and to English with offsets shown', async () => {
    const { page, errores, close } = await abrir();
    await entrar(page, key.admin);
    await page.goto(`${gateway}/#/rechazadas`);
    await page.waitForSelector('table.rechazadas');
    await page.goto(`${gateway}/#/claves`);
    await page.waitForSelector('main table');
    const ms = await page.evaluate<number>(`(async () => {
      const t0 = performance.now();
      location.hash = '#/rechazadas';
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        if (document.querySelector('table.rechazadas')) return performance.now() - t0;
      }
    })()`);
    writeFileSync(join(CAPTURAS, 'cambio-de-pagina.txt'), `${ms.toFixed(1)} ms\n`);
    expect(ms).toBeLessThan(100);
    await page.click('text=English');
    await expect(page.locator('main h2').textContent()).resolves.toBe('Dead letters');
    await expect(page.locator('table.rechazadas td').first().textContent()).resolves.toMatch(
      /GMT[+-]\d{2}:\d{2}/,
    );
    expect(errores).toEqual([]);
    await close();
  });
});

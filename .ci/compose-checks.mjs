// The checks .ci/compose runs against the stack, through its published ports
// only (the gateway, Mosquitto, the Consul stand-in), as an operator or a
// device would: node .ci/compose-checks.mjs <check> [args]. Keys come from the
// environment (DEVICE_KEY, ADMIN_KEY), never the command line. Each check
// prints what it saw and exits 1 naming what did not hold.
import mqtt from 'mqtt';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const GW = process.env.GATEWAY_URL ?? 'http://127.0.0.1:28080';
const BROKER = process.env.BROKER_URL ?? 'mqtt://127.0.0.1:21883';
const CONSUL = process.env.CONSUL_URL ?? 'http://127.0.0.1:28500';
const PROMETHEUS = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:29090';
const { DEVICE_KEY = '', ADMIN_KEY = '' } = process.env;
const D = '/api/dispositivo';
const F = '/api/facturacion';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (...a) => console.log('[compose]', ...a);
function fail(why) {
  console.error(`[compose] FAILED: ${why}`);
  process.exit(1);
}
function expect(ok, why) {
  if (!ok) fail(why);
}

async function api(method, path, { key = ADMIN_KEY, body } = {}) {
  const res = await fetch(GW + path, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

async function ok(method, path, options) {
  const r = await api(method, path, options);
  expect(
    r.status >= 200 && r.status < 300,
    `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`,
  );
  return r.body;
}

/** Polls until `probe` returns a truthy value, or fails with `why` after `seconds`. */
async function until(seconds, why, probe) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) fail(why);
    await sleep(1000);
  }
}

/** Every reading of a serial through the gateway, page by page. */
async function readingsOf(serie) {
  const all = [];
  let after = null;
  do {
    const q = `numeroSerie=${serie}&limite=1000${after ? `&despuesDe=${after}` : ''}`;
    const page = await ok('GET', `${D}/lecturas?${q}`);
    all.push(...page.lecturas);
    after = page.siguiente;
  } while (after);
  return all;
}

/** n readings stored, each once: distinct (variable, instant), the value each was sent with. */
async function exactlyOnce(serie, n, seconds) {
  let last = [];
  await until(seconds, `${serie}: ${last.length} of ${n} readings stored`, async () => {
    last = await readingsOf(serie);
    return last.length >= n;
  });
  const keys = new Set(last.map((l) => `${l.nombreVariable}@${l.estampaTiempo}`));
  expect(last.length === n, `${serie}: ${last.length} readings stored, ${n} sent`);
  expect(keys.size === n, `${serie}: ${n - keys.size} readings stored twice`);
  const wrong = last.filter((l) => l.valorVariable !== valueAt(Date.parse(l.estampaTiempo)));
  expect(wrong.length === 0, `${serie}: ${wrong.length} readings with another value`);
  say(`${serie}: ${n} readings stored, each once, values as sent`);
}

const T0 = Date.parse('2026-02-01T00:00:00Z');
const valueAt = (t) => ((t - T0) / 1000) % 1000;

/** A device's broker login: username = its key's id, password = the key. */
function connect(key, clientId) {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(BROKER, {
      protocolVersion: 4,
      clientId,
      username: key.split('_')[1],
      password: key,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

/**
 * n readings of `corriente`, one a second from `desde` (ms after T0), each its own QoS 1
 * message, sent every `everyMs` (0: all at once); resolves when the broker acknowledged all.
 */
async function publish(serie, n, desde = 0, everyMs = 0) {
  const client = await connect(DEVICE_KEY, `compose-${serie}-${process.pid}`);
  const started = Date.now();
  const acks = [];
  for (let i = 0; i < n; i++) {
    const t = T0 + desde + i * 1000;
    const reading = { nombreVariable: 'corriente', estampaTiempo: t, valorVariable: valueAt(t) };
    const topic = `dispositivos/${serie}/lecturas`;
    acks.push(client.publishAsync(topic, JSON.stringify(reading), { qos: 1 }));
    if (everyMs > 0) await sleep(everyMs);
  }
  await Promise.all(acks);
  await client.endAsync();
  say(`${serie}: ${n} messages published and acknowledged in ${Date.now() - started} ms`);
}

async function ingesta() {
  const r = await ok('GET', '/api/gateway/ingesta');
  return r.instancias.filter((i) => i.servicio === 'dispositivo');
}

/** The readings each dispositivo instance stored over HTTP / took over MQTT, by its id. */
async function counters() {
  const out = new Map();
  for (const i of await ingesta()) {
    const http = Object.values(i.actividad?.lecturas?.http ?? {}).reduce((n, v) => n + v, 0);
    out.set(i.id, { http, mqtt: i.salud?.components?.mqtt?.messages ?? 0 });
  }
  return out;
}

const checks = {
  /** A reading POSTed through the gateway, pulled by the scheduled sync, metered and billed. */
  async facturar() {
    const serie = 'COMPOSE1';
    const t0 = Date.parse('2026-01-15T10:00:00Z');
    // V · I with no power factor is apparent energy (kVAh); the tariff prices kWh
    await ok('PUT', `${F}/dispositivos/${serie}`, { body: { factorPotencia: 1 } });
    const lecturas = Array.from({ length: 25 }, (_, k) => [
      {
        nombreVariable: 'voltaje',
        numeroSerie: serie,
        estampaTiempo: t0 + k * 300_000,
        valorVariable: 230,
      },
      {
        nombreVariable: 'corriente',
        numeroSerie: serie,
        estampaTiempo: t0 + k * 300_000,
        valorVariable: 10,
      },
    ]).flat();
    await ok('POST', `${D}/envio`, { key: DEVICE_KEY, body: lecturas[0] });
    await ok('POST', `${D}/lecturas`, { key: DEVICE_KEY, body: lecturas.slice(1) });
    say(`${serie}: 50 readings stored (2.3 kW for 2 h: V = 230, I = 10, every 5 min)`);
    // nothing is triggered by hand: SYNC_CRON pulls, ENERGIA_CRON meters
    const q = `numeroSerie=${serie}&desde=2026-01-15T00:00:00Z&hasta=2026-01-16T00:00:00Z&intervalo=dia&zona=UTC`;
    const dia = await until(
      120,
      `${serie}: no energy metered from the scheduled pull`,
      async () => {
        const [d] = (await ok('GET', `${F}/energia?${q}`)).energia;
        return d && Number(d.energia) > 0 ? d : null;
      },
    );
    say(
      `energy on 2026-01-15: ${dia.energia} ${dia.unidad}, quality ${JSON.stringify(dia.calidad)}`,
    );
    expect(
      dia.unidad === 'kWh' && Number(dia.energia) === 4.6,
      `metered ${dia.energia} ${dia.unidad}, expected 4.6 kWh`,
    );
    const cuenta = await ok('POST', `${F}/cuentas`, {
      body: { nombre: 'Compose', zona: 'UTC', moneda: 'USD' },
    });
    await ok('PUT', `${F}/cuentas/${cuenta.id}/dispositivos/${serie}`, {
      body: { desde: '2026-01-01T00:00:00Z' },
    });
    const cero = Array.from({ length: 12 }, () => Array(24).fill(0));
    const tarifa = await ok('POST', `${F}/tarifas`, {
      body: {
        nombre: 'Plana',
        desde: '2026-01-01',
        definicion: {
          unidad: 'kWh',
          cargoFijo: '0',
          periodos: [{ nombre: 'Única', bloques: [{ precio: '0.2' }] }],
          semana: cero,
          finDeSemana: cero,
          festivos: 'finDeSemana',
          impuestos: [],
          redondeo: 'half_up',
        },
      },
    });
    await ok('PUT', `${F}/cuentas/${cuenta.id}/tarifa`, {
      body: { tarifaId: tarifa.id, desde: '2026-01-01' },
    });
    const factura = await ok('POST', `${F}/cuentas/${cuenta.id}/facturas`, {
      body: { periodo: '2026-01' },
    });
    say(
      `statement ${factura.id}: energia ${factura.energia} kWh, total ${factura.total} ${factura.moneda}`,
    );
    expect(factura.energia === '4.6', `statement energy ${factura.energia}, expected 4.6 kWh`);
    expect(
      factura.total === '0.92',
      `statement total ${factura.total}, expected 0.92 (4.6 kWh × 0.2)`,
    );
    console.log(`factura=${factura.id}`);
  },

  /** One reading from a device login through the Mosquitto container. */
  async 'mqtt-uno'() {
    await publish('COMPOSE2', 1);
    await exactlyOnce('COMPOSE2', 1, 30);
  },

  /** n dispositivo replicas: registered and passing in Consul, distinct client ids, connected. */
  async replicas(n) {
    n = Number(n);
    const consul = await until(
      90,
      `Consul does not list ${n} passing dispositivo instances`,
      async () => {
        const r = await fetch(`${CONSUL}/v1/health/service/dispositivo?passing`).then((x) =>
          x.json(),
        );
        return r.length === n ? r : null;
      },
    );
    const ids = consul.map((e) => e.Service.ID);
    const clients = await until(
      60,
      `the gateway does not see ${n} connected replicas`,
      async () => {
        const i = await ingesta();
        const mqtts = i.map((x) => x.salud?.components?.mqtt);
        const connected = mqtts.every((m) => m && m.connected === m.connections && m.connected > 0);
        return i.length === n && connected ? mqtts.map((m) => m.clientId) : null;
      },
    );
    expect(new Set(ids).size === n, `Consul ids not distinct: ${ids}`);
    expect(new Set(clients).size === n, `MQTT client ids not distinct: ${clients}`);
    say(`${n} replicas: Consul ${ids.join(', ')}; MQTT ${clients.join(', ')}`);
  },

  /** HTTP through the gateway and MQTT through the shared group reach every replica. */
  async repartir(n, serie, count) {
    n = Number(n);
    count = Number(count);
    const before = await counters();
    expect(before.size === n, `${before.size} replicas seen, expected ${n}`);
    for (let i = 0; i < 300; i++) {
      const t = T0 + i * 1000;
      const body = {
        nombreVariable: 'voltaje',
        numeroSerie: `${serie}H`,
        estampaTiempo: t,
        valorVariable: valueAt(t),
      };
      await ok('POST', `${D}/envio`, { key: DEVICE_KEY, body });
    }
    await publish(serie, count);
    await exactlyOnce(serie, count, 120);
    await exactlyOnce(`${serie}H`, 300, 30);
    const after = await counters();
    for (const [id, b] of before) {
      const a = after.get(id);
      expect(a, `replica ${id} is gone`);
      const share = { http: a.http - b.http, mqtt: a.mqtt - b.mqtt };
      say(`replica ${id}: ${share.http} HTTP readings, ${share.mqtt} MQTT messages`);
      expect(share.http > 0, `the gateway sent replica ${id} no request`);
      expect(share.mqtt > 0, `replica ${id} took no MQTT message`);
    }
  },

  /** Published right after a replica went away: some wait in its sessions, then are drained. */
  async drenar(serie, count, previous) {
    count = Number(count);
    previous = Number(previous);
    await publish(serie, count, 10_000_000);
    await sleep(3000);
    const first = (await readingsOf(serie)).length - previous;
    say(`${serie}: ${first} of ${count} stored before the orphan drain`);
    expect(first < count, `every reading stored before the drain: the removed replica queued none`);
    await exactlyOnce(serie, previous + count, 180);
  },

  /**
   * Prometheus with the shipped config scrapes every replica of every app, and every
   * query of the shipped alerts and Grafana dashboard evaluates on real series.
   */
  async observabilidad(targets) {
    targets = Number(targets);
    const prom = async (path, what = path) => {
      const r = await fetch(PROMETHEUS + path).then((x) => x.json());
      expect(r.status === 'success', `Prometheus, ${what}: ${JSON.stringify(r)}`);
      return r.data;
    };

    const up = await until(
      90,
      `Prometheus does not scrape ${targets} targets, all up`,
      async () => {
        const t = await prom('/api/v1/targets').catch(() => ({ activeTargets: [] }));
        const ok = t.activeTargets.filter((x) => x.health === 'up');
        return ok.length === targets && t.activeTargets.length === targets ? ok : null;
      },
    );
    const apps = up.map((t) => t.labels.app).sort();
    say(`Prometheus scrapes ${targets} targets, all up: ${apps.join(', ')}`);
    expect(apps.includes('gateway') && apps.includes('facturacion'), `apps scraped: ${apps}`);
    // a refused reading and a refused key: the labelled counters the queries name exist
    await api('POST', `${D}/envio`, { key: DEVICE_KEY, body: { nombreVariable: 'voltaje' } });
    const rules = parse(readFileSync('deploy/prometheus/alerts.yml', 'utf8'));
    const dashboard = JSON.parse(
      readFileSync('deploy/grafana/dashboards/iot-backend.json', 'utf8'),
    );
    const exprs = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => [`alert ${r.alert}`, r.expr])),
      ...dashboard.panels.flatMap((p) =>
        (p.targets ?? []).map((t) => [`panel ${p.title}`, t.expr]),
      ),
    ];
    const names = [...new Set(exprs.flatMap(([, e]) => e.match(/\biot_[a-z_]+/g) ?? []))];
    let missing = names;
    await until(
      60,
      `metrics the alerts or the dashboard name have no series: ${missing}`,
      async () => {
        const found = await Promise.all(names.map((n) => prom(`/api/v1/series?match[]=${n}`)));
        missing = names.filter((_, i) => found[i].length === 0);
        return missing.length === 0;
      },
    );
    for (const [where, expr] of exprs)
      await prom(`/api/v1/query?query=${encodeURIComponent(expr)}`, `${where}: ${expr}`);
    const rulesLoaded = (await prom('/api/v1/rules')).groups.flatMap((g) => g.rules);
    expect(
      rulesLoaded.length === rules.groups[0].rules.length,
      `rules loaded: ${rulesLoaded.length}`,
    );
    expect(
      rulesLoaded.every((r) => r.health === 'ok'),
      `rules: ${JSON.stringify(rulesLoaded)}`,
    );
    say(
      `${names.length} metrics have series; ${exprs.length} alert and panel queries evaluate; ${rulesLoaded.length} rules ok`,
    );
  },

  /** count readings published (one every everyMs), all acknowledged. */
  async publicar(serie, count, everyMs = 0) {
    await publish(serie, Number(count), 0, Number(everyMs));
  },

  /** count readings of a serial stored, each once, within a minute; after an outage, retried. */
  async guardadas(serie, count, outage) {
    await exactlyOnce(serie, Number(count), 60);
    if (!outage) return;
    const m = (await ingesta()).map((i) => i.salud?.components?.mqtt ?? {});
    const retries = m.reduce((n, x) => n + (x.retries ?? 0), 0);
    say(`dispositivo retried ${retries} commits through the outage`);
    expect(retries > 0, 'no commit was retried: the outage missed the stream');
  },

  /**
   * After down and up: what was stored before is still there, and what the broker had
   * queued for the replicas (now gone: new containers, new client ids) is drained.
   */
  async conservado(serie, n, factura, queued, count) {
    await exactlyOnce(serie, Number(n), 60);
    await exactlyOnce(queued, Number(count), 180);
    const f = await ok('GET', `${F}/facturas/${factura}`);
    expect(f.total === '0.92', `statement ${factura} after down/up: ${JSON.stringify(f)}`);
    say(`statement ${factura} still ${f.total} ${f.moneda}`);
  },
};

const [name, ...args] = process.argv.slice(2);
if (!checks[name]) fail(`unknown check ${name}; one of ${Object.keys(checks).join(', ')}`);
await checks[name](...args);
process.exit(0);

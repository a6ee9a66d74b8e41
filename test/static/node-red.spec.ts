import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { NUMERO_SERIE_PATTERN, IDENTIFIER_PATTERN } from '@iot/contracts';

interface FlowNode {
  id: string;
  type: string;
  name?: string;
  func?: string;
  topic?: string;
  broker?: string;
  wires?: string[][];
  credentials?: unknown;
  [key: string]: unknown;
}

const text = readFileSync(
  join(__dirname, '..', '..', 'node-red', 'iot-backend-flows.json'),
  'utf8',
);
const flow = JSON.parse(text) as FlowNode[];
const byId = new Map(flow.map((n) => [n.id, n]));

/** Runs a function node's code as Node-RED does, in a vm sandbox (msg in, msg out), `env` stubbed. */
function run(node: FlowNode, env: Record<string, string>): Record<string, any> {
  const body = runInNewContext(`(function (msg, env) {\n${node.func ?? ''}\n})`, {}) as (
    msg: object,
    env: { get(name: string): string | undefined },
  ) => Record<string, any>;
  // JSON round trip: plain objects of this realm for the matchers
  return JSON.parse(JSON.stringify(body({ payload: Date.now() }, { get: (name) => env[name] })));
}

const ENV = {
  IOT_GATEWAY_URL: 'http://gw.example:8080',
  IOT_DEVICE_KEY: 'device-key-from-env',
  IOT_ADMIN_KEY: 'admin-key-from-env',
  IOT_SERIE: 'MTR-7',
  IOT_STAFF_KEY: 'staff-key-from-env',
  IOT_CUENTA: '42',
};

const next = (node: FlowNode): FlowNode => byId.get(node.wires![0][0])!;
const fn = (name: string): FlowNode => flow.find((n) => n.type === 'function' && n.name === name)!;

const expectReading = (r: Record<string, unknown>, serie?: string) => {
  expect(IDENTIFIER_PATTERN.test(String(r.nombreVariable))).toBe(true);
  if (serie) expect(r.numeroSerie).toBe(serie);
  expect(Number.isFinite(Number(new Date(r.estampaTiempo as string | number)))).toBe(true);
  expect(Number.isFinite(r.valorVariable)).toBe(true);
};

describe('Node-RED flows (node-red/iot-backend-flows.json)', () => {
  it('publishes one reading in the original shape to iot/sensors4387t5', () => {
    const node = fn('lectura voltaje');
    expect(next(node)).toMatchObject({ type: 'mqtt out', topic: 'iot/sensors4387t5', qos: '1' });
    const msg = run(node, ENV);
    expectReading(msg.payload as Record<string, unknown>, 'MTR-7');
    expect(msg.payload.valorVariable).toBeGreaterThan(200);
  });

  it('publishes to dispositivos/<serie>/lecturas, the serial in the topic', () => {
    const node = fn('lectura corriente');
    expect(next(node)).toMatchObject({ type: 'mqtt out', topic: '', qos: '1' }); // msg.topic decides
    const msg = run(node, ENV);
    expect(msg.topic).toBe('dispositivos/MTR-7/lecturas');
    expect(NUMERO_SERIE_PATTERN.test(msg.topic.split('/')[1])).toBe(true);
    expect(msg.payload).toHaveLength(1);
    expectReading(msg.payload[0] as Record<string, unknown>);
  });

  it('posts to the gateway with the device key from the environment', () => {
    const node = fn('POST /envio');
    expect(next(node)).toMatchObject({ type: 'http request', method: 'use', url: '' });
    const msg = run(node, ENV);
    expect(msg).toMatchObject({
      url: 'http://gw.example:8080/api/dispositivo/envio',
      method: 'POST',
    });
    expect(msg.headers['x-api-key']).toBe('device-key-from-env');
    expectReading(msg.payload as Record<string, unknown>, 'MTR-7');
  });

  it('reads a device back with the admin key', () => {
    const msg = run(fn('GET /lecturas'), ENV);
    expect(msg.url).toBe(
      'http://gw.example:8080/api/dispositivo/lecturas?numeroSerie=MTR-7&limite=20',
    );
    expect(msg.headers['x-api-key']).toBe('admin-key-from-env');
  });

  it("builds this month's draft statement of IOT_CUENTA with the staff key, and sums it up", () => {
    const node = fn('POST /facturas (borrador)');
    expect(next(node)).toMatchObject({ type: 'http request', method: 'use', url: '' });
    const msg = run(node, ENV);
    expect(msg).toMatchObject({
      url: 'http://gw.example:8080/api/facturacion/cuentas/42/facturas',
      method: 'POST',
      payload: { periodo: new Date().toISOString().slice(0, 7) },
    });
    expect(msg.headers['x-api-key']).toBe('staff-key-from-env');
    const resumen = next(next(node));
    expect(resumen.name).toBe('resumen');
    const body = runInNewContext(`(function (msg) {\n${resumen.func}\n})`, {}) as (m: object) => {
      payload: Record<string, unknown>;
    };
    const out = body({
      statusCode: 200,
      payload: { id: '7', estado: 'borrador', total: '14691.35', lineas: [{}, {}], problemas: [] },
    });
    expect(JSON.parse(JSON.stringify(out.payload))).toMatchObject({
      status: 200,
      id: '7',
      estado: 'borrador',
      total: '14691.35',
      lineas: 2,
    });
  });

  it('embeds no secret: no key, no broker password, no credentials', () => {
    expect(text).not.toMatch(/iot_[0-9a-f]{12}_/);
    expect(flow.some((n) => n.credentials !== undefined)).toBe(false);
    const broker = flow.find((n) => n.type === 'mqtt-broker')!;
    expect(Object.keys(broker)).not.toEqual(expect.arrayContaining(['user', 'password']));
    for (const n of flow.filter((x) => x.type === 'http request')) {
      expect(n.headers).toEqual([]);
      expect(n.authType).toBe('');
    }
    // every mqtt out uses the one broker node
    for (const n of flow.filter((x) => x.type === 'mqtt out')) expect(n.broker).toBe(broker.id);
  });
});

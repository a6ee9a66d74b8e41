import mqtt, { MqttClient } from 'mqtt';
import * as mqttPacket from 'mqtt-packet';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Delivery, InOrderAcks, MQTT_JS_VERIFIED } from './in-order-acks';

/**
 * A real mqtt.js client against a minimal broker built on mqtt-packet, so the
 * spec sees exactly which PUBACKs go over the wire and in what order.
 */
class WireBroker {
  readonly pubacks: number[] = [];
  socket?: Socket;
  connects = 0;
  private readonly server: Server;

  constructor() {
    this.server = createServer((socket) => {
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      parser.on('packet', (p) => {
        if (p.cmd === 'connect') {
          this.connects++;
          this.socket = socket;
          socket.write(
            mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: true }),
          );
        }
        if (p.cmd === 'puback') this.pubacks.push(p.messageId!);
      });
      socket.on('data', (d) => parser.parse(d));
      socket.on('error', () => undefined);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `mqtt://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  publish(...ids: number[]): void {
    for (const messageId of ids) {
      const packet = { cmd: 'publish', topic: 't', payload: `m${messageId}`, qos: 1, messageId };
      this.socket!.write(mqttPacket.generate({ ...packet, retain: false, dup: false } as never));
    }
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};
const settle = () => new Promise((r) => setTimeout(r, 80));

describe('mqtt.js version', () => {
  it('is one InOrderAcks was verified on (it wraps a private method)', () => {
    const pkg = join(require.resolve('mqtt'), '..', '..', 'package.json');
    const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
    expect(MQTT_JS_VERIFIED).toContain(version);
  });
});

describe('InOrderAcks', () => {
  let broker: WireBroker;
  let client: MqttClient;
  let commits: Map<number, () => void>;
  let deliveries: Map<number, Delivery>;

  async function connect(window: number): Promise<void> {
    const url = await broker.listen();
    client = mqtt.connect(url, {
      protocolVersion: 4,
      clean: false,
      clientId: 'c',
      reconnectPeriod: 50,
    });
    const acks = new InOrderAcks(client, window);
    client.handleMessage = (packet, handled) => {
      const delivery = acks.track(packet, handled);
      deliveries.set(packet.messageId!, delivery);
      commits.set(packet.messageId!, () => delivery.committed());
    };
    await until(() => client.connected);
  }

  beforeEach(() => {
    broker = new WireBroker();
    commits = new Map();
    deliveries = new Map();
  });
  afterEach(async () => {
    await client.endAsync(true);
    await broker.close();
  });

  it('takes further messages before the first is committed, and acks in arrival order', async () => {
    await connect(10);
    broker.publish(1, 2, 3);
    await until(() => commits.size === 3);
    expect(deliveries.get(1)!.abandoned).toBe(false);
    commits.get(3)!();
    commits.get(2)!();
    await settle();
    expect(broker.pubacks).toEqual([]);
    commits.get(1)!();
    await until(() => broker.pubacks.length === 3);
    expect(broker.pubacks).toEqual([1, 2, 3]);
  });

  it('holds mqtt.js back once the window is full', async () => {
    await connect(2);
    broker.publish(1, 2, 3, 4);
    await until(() => commits.size === 2);
    await settle();
    expect([...commits.keys()]).toEqual([1, 2]);
    commits.get(1)!();
    await until(() => commits.size === 3);
    expect(broker.pubacks).toEqual([1]);
  });

  it('never sends a lost connection’s PUBACKs on the next connection', async () => {
    await connect(10);
    broker.publish(1, 2);
    await until(() => commits.size === 2);
    broker.socket!.destroy();
    await until(() => broker.connects === 2 && client.connected);
    expect(deliveries.get(1)!.abandoned).toBe(true); // whoever retries it may stop
    const stale = commits.get(1)!;
    stale();
    commits.get(2)!();
    await settle();
    expect(broker.pubacks).toEqual([]);
    broker.publish(1);
    await until(() => commits.get(1) !== stale);
    commits.get(1)!();
    await until(() => broker.pubacks.length === 1);
    expect(broker.pubacks).toEqual([1]);
  });
});

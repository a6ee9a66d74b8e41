import type { IPublishPacket, MqttClient } from 'mqtt';

type Continue = (error?: Error) => void;
type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: Continue) => void;

interface Pending {
  readonly messageId: number;
  committed: boolean;
  abandoned: boolean;
}

/** One received message: report its commit, or learn that nobody waits for it any more. */
export interface Delivery {
  committed(): void;
  /** Its connection is gone: the broker redelivers it, so retrying this copy is pointless. */
  readonly abandoned: boolean;
}

/**
 * Many unacknowledged QoS 1 messages per connection, PUBACKs in arrival order.
 *
 * mqtt.js reads the next PUBLISH of a connection only after it has written the
 * PUBACK of the previous one, so acknowledging after commit would allow one
 * message per connection per commit. MQTT 3.1.1 and 5 (§4.6) let a receiver
 * keep many messages unacknowledged as long as it sends the PUBACKs in the
 * order the PUBLISHes arrived. So mqtt.js is told at once that a message is
 * handled (it moves on to the next one) and its PUBACK is swallowed; this class
 * writes the PUBACK itself once the message and every earlier one are
 * committed. At most `window` messages wait; beyond that mqtt.js is held back,
 * which stops reading the socket, so a broker without flow control (MQTT
 * 3.1.1) cannot flood us.
 *
 * It relies on mqtt.js' private `_sendPacket` and on `handleMessage` being
 * awaited before the next PUBLISH is read (mqtt.js lib/client.ts,
 * `_handlePacket` → handlers/publish.ts). Verified on the versions in
 * MQTT_JS_VERIFIED (package.json pins mqtt exactly); its spec fails on any other.
 */
export const MQTT_JS_VERIFIED = ['5.16.0'] as const;

export class InOrderAcks {
  private queue: Pending[] = [];
  private held: Continue[] = [];
  private readonly send: SendPacket;

  constructor(
    private readonly client: MqttClient,
    private readonly window: number,
  ) {
    const internals = client as unknown as { _sendPacket: SendPacket };
    this.send = internals._sendPacket.bind(client);
    internals._sendPacket = (packet, cb) => {
      // mqtt.js' own PUBACK: written later, in order, by release()
      if (packet.cmd === 'puback') cb?.();
      else this.send(packet, cb);
    };
    // unacknowledged messages of a lost connection are redelivered by the broker;
    // their PUBACKs must never reach a later connection, whose message ids mean other messages
    client.on('close', () => this.reset());
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * Call from `handleMessage` with its callback. A message that is never
   * committed is never acknowledged.
   */
  track(packet: IPublishPacket, handled: Continue): Delivery {
    if (packet.qos !== 1 || packet.messageId === undefined) {
      // QoS 0 needs no PUBACK; mqtt.js' QoS 2 flow is left as it is (ack after commit)
      return { committed: () => handled(), abandoned: false };
    }
    const entry: Pending = { messageId: packet.messageId, committed: false, abandoned: false };
    this.queue.push(entry);
    if (this.queue.length < this.window) handled();
    else this.held.push(handled);
    return {
      committed: () => {
        entry.committed = true;
        this.release();
      },
      get abandoned() {
        return entry.abandoned;
      },
    };
  }

  private release(): void {
    while (this.queue.length > 0 && this.queue[0].committed) {
      const { messageId } = this.queue.shift()!;
      // a closing socket would make mqtt.js store the PUBACK for the next connection
      if (this.client.connected) this.send({ cmd: 'puback', messageId });
    }
    while (this.held.length > 0 && this.queue.length < this.window) this.held.shift()!();
  }

  private reset(): void {
    for (const entry of this.queue) entry.abandoned = true;
    this.queue = [];
    // mqtt.js drops the packets it had parsed for the dead connection; let its loop finish
    const held = this.held;
    this.held = [];
    for (const handled of held) handled();
  }
}

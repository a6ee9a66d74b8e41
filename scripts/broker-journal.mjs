// Durable state for the embedded aedes broker, kept in a journal file: aedes'
// own in-memory persistence (correct, fast) plus an append-only log of what
// must survive a crash, replayed at start.
//
// What is logged, with a write(2) per line (a kill -9 loses nothing written;
// only a power cut could):
// - `s`: the subscriptions of each client session (persistent sessions resume);
// - `p`: every QoS 1 message, before aedes acknowledges it to its publisher
//   (aedes 1.2 writes the publisher's PUBACK *before* it stores the message);
// - `q`: which sessions it was queued for; `a`: when the last of them acknowledged it.
// At start the sessions are restored, messages queued for sessions that had not
// acknowledged them are queued again, and messages accepted but never queued
// are published again. A subscriber may see a message twice after a crash
// (dispositivo's idempotency key makes that harmless); none is lost. The file
// is rewritten from the live state (compacted) at start and whenever it grows
// past COMPACT_BYTES.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const MemoryPersistence = require('aedes-persistence/asyncPersistence.js');
const Packet = require('aedes-packet');

const COMPACT_BYTES = 16 * 1024 * 1024;

export class JournaledPersistence extends MemoryPersistence {
  #file;
  #bytes = 0;
  #seq = 0;
  /** clientId -> Map(topic -> qos) */
  #sessions = new Map();
  /** seq -> { topic, payload: Buffer, pending?: Set<clientId> } (pending unset: not queued yet) */
  #messages = new Map();
  /** payload Buffer -> seq, from authorizePublish to the enqueue (aedes keeps the Buffer) */
  #accepted = new WeakMap();
  /** `${brokerId}:${brokerCounter}` -> seq */
  #byCounter = new Map();
  /** `${clientId}:${messageId}` -> seq */
  #byMessageId = new Map();

  constructor(file) {
    super();
    this.#file = file;
  }

  #log(record) {
    const line = `${JSON.stringify(record)}\n`;
    appendFileSync(this.#file, line);
    this.#bytes += line.length;
    if (this.#bytes > COMPACT_BYTES) this.#compact();
  }

  /** Before the PUBACK: the message is on disk. */
  accept(packet) {
    const seq = ++this.#seq;
    this.#accepted.set(packet.payload, seq);
    this.#messages.set(seq, { topic: packet.topic, payload: Buffer.from(packet.payload) });
    this.#log({ p: seq, t: packet.topic, b: Buffer.from(packet.payload).toString('base64') });
  }

  #done(seq) {
    this.#messages.delete(seq);
    this.#log({ a: seq });
  }

  async addSubscriptions(client, subs) {
    const session = this.#sessions.get(client.id) ?? new Map();
    for (const s of subs) session.set(s.topic, s.qos);
    this.#sessions.set(client.id, session);
    this.#log({ s: client.id, add: subs.map((s) => [s.topic, s.qos]) });
    return super.addSubscriptions(client, subs);
  }

  async removeSubscriptions(client, topics) {
    const session = this.#sessions.get(client.id);
    for (const t of topics) session?.delete(t);
    this.#log({ s: client.id, del: topics });
    return super.removeSubscriptions(client, topics);
  }

  async cleanSubscriptions(client) {
    this.#sessions.delete(client.id);
    this.#log({ s: client.id, clean: true });
    // its queue goes with it
    for (const [seq, m] of this.#messages) {
      if (m.pending?.delete(client.id) && m.pending.size === 0) this.#done(seq);
    }
    return super.cleanSubscriptions(client);
  }

  async outgoingEnqueueCombi(subs, packet) {
    const seq = this.#accepted.get(packet.payload);
    const message = seq === undefined ? undefined : this.#messages.get(seq);
    if (message && packet.qos > 0) {
      message.pending = new Set(subs.map((s) => s.clientId));
      this.#byCounter.set(`${packet.brokerId}:${packet.brokerCounter}`, seq);
      this.#log({ q: seq, c: [...message.pending] });
      if (message.pending.size === 0) this.#done(seq);
    }
    return super.outgoingEnqueueCombi(subs, packet);
  }

  async outgoingUpdate(client, packet) {
    const seq = this.#byCounter.get(`${packet.brokerId}:${packet.brokerCounter}`);
    if (seq !== undefined) this.#byMessageId.set(`${client.id}:${packet.messageId}`, seq);
    return super.outgoingUpdate(client, packet);
  }

  async outgoingClearMessageId(client, packet) {
    const key = `${client.id}:${packet.messageId}`;
    const seq = this.#byMessageId.get(key);
    if (seq !== undefined) {
      this.#byMessageId.delete(key);
      const m = this.#messages.get(seq);
      if (m?.pending?.delete(client.id) && m.pending.size === 0) this.#done(seq);
    }
    return super.outgoingClearMessageId(client, packet);
  }

  /** Replays the journal into memory; returns the messages accepted but never queued. */
  async restore(broker) {
    const unqueued = [];
    if (existsSync(this.#file)) {
      for (const line of readFileSync(this.#file, 'utf8').split('\n')) {
        if (!line) continue;
        let r;
        try {
          r = JSON.parse(line);
        } catch {
          continue; // a line cut short by the crash: its message was never acknowledged
        }
        if (r.s !== undefined) {
          if (r.clean) this.#sessions.delete(r.s);
          const session = this.#sessions.get(r.s) ?? new Map();
          for (const [t, qos] of r.add ?? []) session.set(t, qos);
          for (const t of r.del ?? []) session.delete(t);
          if (!r.clean) this.#sessions.set(r.s, session);
        } else if (r.p !== undefined) {
          this.#seq = Math.max(this.#seq, r.p);
          this.#messages.set(r.p, { topic: r.t, payload: Buffer.from(r.b, 'base64') });
        } else if (r.q !== undefined) {
          const m = this.#messages.get(r.q);
          if (m) m.pending = new Set(r.c);
        } else if (r.a !== undefined) {
          this.#messages.delete(r.a);
        }
      }
    }
    for (const [clientId, session] of this.#sessions) {
      await super.addSubscriptions(
        { id: clientId },
        [...session].map(([topic, qos]) => ({ topic, qos })),
      );
    }
    for (const [seq, m] of this.#messages) {
      if (!m.pending) {
        unqueued.push(m);
        this.#messages.delete(seq);
        continue;
      }
      const packet = new Packet(
        { cmd: 'publish', topic: m.topic, payload: m.payload, qos: 1 },
        broker,
      );
      this.#byCounter.set(`${packet.brokerId}:${packet.brokerCounter}`, seq);
      await super.outgoingEnqueueCombi(
        [...m.pending].map((clientId) => ({ clientId, topic: m.topic, qos: 1 })),
        packet,
      );
    }
    this.#compact();
    return unqueued;
  }

  /** Rewrites the file from the live state (a snapshot), atomically. */
  #compact() {
    const lines = [];
    for (const [clientId, session] of this.#sessions) {
      lines.push(JSON.stringify({ s: clientId, add: [...session] }));
    }
    for (const [seq, m] of this.#messages) {
      lines.push(JSON.stringify({ p: seq, t: m.topic, b: m.payload.toString('base64') }));
      if (m.pending) lines.push(JSON.stringify({ q: seq, c: [...m.pending] }));
    }
    const text = lines.length ? `${lines.join('\n')}\n` : '';
    writeFileSync(`${this.#file}.tmp`, text);
    renameSync(`${this.#file}.tmp`, this.#file);
    this.#bytes = text.length;
  }
}

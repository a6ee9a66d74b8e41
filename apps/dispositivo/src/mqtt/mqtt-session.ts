import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { InOrderAcks } from './in-order-acks';
import { MqttConfig } from './mqtt.config';

/** A drained session is done when nothing came for this long and everything is acknowledged. */
const DRAIN_IDLE_MS = 2000;
const DRAIN_MAX_MS = 120_000;

/** A persistent session's connection (clean start off, stable id). */
export function connectionOptions(
  c: MqttConfig,
  clientId: string,
  reconnectPeriod: number,
): IClientOptions {
  return {
    clientId,
    protocolVersion: c.protocolVersion,
    clean: false,
    username: c.username,
    password: c.password,
    reconnectPeriod,
    connectTimeout: 10_000,
    resubscribe: false, // we subscribe on every connect ourselves
    ...(c.protocolVersion === 5
      ? // receiveMaximum: the broker's window for this connection (MQTT 5 flow control)
        { properties: { sessionExpiryInterval: c.sessionExpiryS, receiveMaximum: c.inFlight } }
      : {}),
  };
}

export function subscriptionFilters(c: MqttConfig): string[] {
  return c.topics.map((t) => (c.sharedGroup ? `$share/${c.sharedGroup}/${t}` : t));
}

export interface DrainPipeline {
  /** Wires the client into ingestion (commit, then PUBACK); calls onMessage per message. */
  ingest(client: MqttClient, onMessage: () => void): InOrderAcks;
  stopping(): boolean;
}

/**
 * Drains the broker session `clientId` left by an instance gone for good:
 * resumes it, leaves the shared group (Mosquitto still delivers what was
 * queued for it, and sends new messages to the other members), stores what
 * arrives until it has been quiet for a while, then discards the session.
 * Rejects, keeping the session, if it cannot finish (taken over by its owner
 * coming back, broker gone, shutdown). Resolves with the messages stored.
 */
export async function drainSession(
  config: MqttConfig,
  clientId: string,
  pipeline: DrainPipeline,
): Promise<number> {
  const client = mqtt.connect(config.url, connectionOptions(config, clientId, 0));
  client.on('error', () => undefined); // the outcome is reported by the caller
  let messages = 0;
  let lastAt = Date.now();
  const acks = pipeline.ingest(client, () => {
    messages++;
    lastAt = Date.now();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('close', () => reject(new Error(`could not resume session ${clientId}`)));
    });
    await client.unsubscribeAsync(subscriptionFilters(config));
    const until = Date.now() + DRAIN_MAX_MS;
    while (Date.now() - lastAt < DRAIN_IDLE_MS || acks.pending > 0) {
      if (pipeline.stopping() || !client.connected)
        throw new Error(`session ${clientId}: connection lost while draining`);
      if (Date.now() > until)
        throw new Error(`session ${clientId}: still busy after ${DRAIN_MAX_MS} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.endAsync();
    // a clean start replaces the now empty session, and expires at once
    const cleaner = await mqtt.connectAsync(config.url, {
      ...connectionOptions(config, clientId, 0),
      clean: true,
      properties: config.protocolVersion === 5 ? { sessionExpiryInterval: 0 } : undefined,
    });
    await cleaner.endAsync();
    return messages;
  } finally {
    client.end(true);
  }
}

import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createLogger, gauge, RateLimitedLog } from '@iot/common';
import mqtt, { MqttClient } from 'mqtt';
import { StoreUnavailableError } from '../lecturas/lecturas.errors';
import { LecturasService, MensajeIngerido } from '../lecturas/lecturas.service';
import { TopicosLectura } from '../lecturas/mensaje-mqtt';
import { BrokerDrops, DROPPED_TOPIC } from './broker-drops';
import { Delivery, InOrderAcks } from './in-order-acks';
import { connectionOptions, drainSession, subscriptionFilters } from './mqtt-session';
import { MQTT_CONFIG, MqttConfig } from './mqtt.config';
import { OrphanSessions } from './orphan-sessions';
import { MqttSessionsRepository } from './sessions.repository';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;
const RETRY_MAX_MS = 5000;
/** Without a drop counter from the broker by then, say that silent drops cannot be seen. */
const DROPS_SILENCE_MS = 30_000;

/**
 * Why the `mqtt` package directly and not @nestjs/microservices' MQTT
 * transport: the transport acknowledges a QoS 1 message as soon as its handler
 * is entered, while here PUBACK must wait for the commit. With mqtt.js we take
 * over the PUBACK (InOrderAcks): each connection keeps up to `inFlight`
 * messages unacknowledged and acknowledges them in order once committed.
 * Several connections in one shared-subscription group feed the same group
 * commit through LecturasService, the use case HTTP uses too.
 */
@Injectable()
export class MqttIngestor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = createLogger('mqtt');
  private readonly retryLog = new RateLimitedLog(10_000);
  private readonly topicos: TopicosLectura;
  private readonly clients: MqttClient[] = [];
  private readonly acks: InOrderAcks[] = [];
  private readonly drops = new BrokerDrops();
  private dropsTimer?: NodeJS.Timeout;
  private monitor?: MqttClient;
  private stopping = false;
  readonly stats = { messages: 0, readings: 0, duplicates: 0, rejected: 0, retries: 0 };

  private orphans?: OrphanSessions;

  constructor(
    @Inject(MQTT_CONFIG) private readonly config: MqttConfig,
    private readonly lecturas: LecturasService,
    private readonly sessions: MqttSessionsRepository,
  ) {
    this.topicos = new TopicosLectura(config.topics);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.exposeMetrics();
    // without a shared group every connection would receive every message
    const n = this.config.sharedGroup ? this.config.connections : 1;
    if (this.config.sharedGroup) {
      this.orphans = new OrphanSessions(this.sessions, {
        clientId: this.config.clientId,
        connections: n,
        afterS: this.config.orphanAfterS,
        drain: (clientId) => this.drainSession(clientId),
        stopping: () => this.stopping,
      });
      await this.orphans.register();
      this.orphans.start();
    }
    for (let i = 0; i < n; i++) this.clients.push(this.connect(`${this.config.clientId}-${i}`));
    this.monitor = this.watchDrops(`${this.config.clientId}-sys`);
    this.dropsTimer = setTimeout(() => {
      if (this.drops.dropped === undefined) {
        this.logger.info(
          { topic: DROPPED_TOPIC },
          'the MQTT broker publishes no drop counter: messages it drops cannot be detected (see docs/mqtt.md, broker settings)',
        );
      }
    }, DROPS_SILENCE_MS).unref();
  }

  /** First shutdown step: from here on nothing is acknowledged; the broker redelivers it. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.orphans?.stop();
    clearTimeout(this.dropsTimer);
    const all = this.monitor ? [...this.clients, this.monitor] : this.clients;
    await Promise.all(all.map((c) => c.endAsync(true).catch(() => undefined)));
  }

  /** Prometheus: what /health shows, read when scraped. */
  private exposeMetrics(): void {
    gauge({ name: 'iot_mqtt_connected', help: 'MQTT connections up' }, (g) =>
      g.set(this.clients.filter((c) => c.connected).length),
    );
    gauge(
      { name: 'iot_mqtt_unacknowledged', help: 'MQTT messages received, not yet acknowledged' },
      (g) => g.set(this.acks.reduce((n, a) => n + a.pending, 0)),
    );
  }

  /** For /health: connection state and counters (details, never readiness). */
  status(): Record<string, unknown> {
    return {
      // which replica this is: its sessions are clientId-0 … clientId-(connections - 1)
      clientId: this.config.clientId,
      connected: this.clients.filter((c) => c.connected).length,
      connections: this.clients.length,
      unacknowledged: this.acks.reduce((n, a) => n + a.pending, 0),
      ...this.stats,
      brokerDropped: this.drops.dropped ?? null,
    };
  }

  /** Every message goes through process(); PUBACK once committed, in order. */
  private ingest(client: MqttClient, onMessage?: () => void): InOrderAcks {
    const acks = new InOrderAcks(client, this.config.inFlight);
    client.handleMessage = (packet, handled) => {
      onMessage?.();
      const payload = Buffer.isBuffer(packet.payload)
        ? packet.payload
        : Buffer.from(packet.payload);
      const delivery = acks.track(packet, handled);
      // rejected only when shutting down or abandoned: no PUBACK, the broker redelivers
      this.process(packet.topic, payload, delivery).then(
        () => delivery.committed(),
        () => undefined,
      );
    };
    return acks;
  }

  /** Drains the session of an instance gone for good (see mqtt-session.ts). */
  drainSession(clientId: string): Promise<number> {
    return drainSession(this.config, clientId, {
      ingest: (client, onMessage) => this.ingest(client, onMessage),
      stopping: () => this.stopping,
    });
  }

  private connect(clientId: string): MqttClient {
    const c = this.config;
    const client = mqtt.connect(c.url, connectionOptions(c, clientId, RECONNECT_MIN_MS));
    this.acks.push(this.ingest(client));
    client.on('connect', (connack) => {
      client.options.reconnectPeriod = RECONNECT_MIN_MS;
      this.logger.info(
        { clientId, sessionPresent: connack.sessionPresent },
        'connected to MQTT broker',
      );
      client.subscribe(subscriptionFilters(c), { qos: 1 }, (error) => {
        if (error) this.logger.error({ err: error, clientId }, 'subscription failed');
      });
    });
    client.on('close', () => {
      if (this.stopping) return;
      const next = Math.min(
        (client.options.reconnectPeriod ?? RECONNECT_MIN_MS) * 2,
        RECONNECT_MAX_MS,
      );
      client.options.reconnectPeriod = next;
      this.logger.warn(
        { clientId, broker: safeUrl(c.url), retryInMs: next },
        'MQTT broker unreachable',
      );
    });
    client.on('error', (error) => this.logger.warn({ clientId, err: error }, 'MQTT client error'));
    return client;
  }

  /**
   * A connection of its own for the broker's drop counter: the ingesting
   * connections stop reading while their window is full (a stalled database),
   * which is exactly when the broker starts dropping.
   */
  private watchDrops(clientId: string): MqttClient {
    const c = this.config;
    const client = mqtt.connect(c.url, {
      clientId,
      protocolVersion: c.protocolVersion,
      clean: true,
      username: c.username,
      password: c.password,
      reconnectPeriod: RECONNECT_MAX_MS,
    });
    client.on('connect', () => {
      client.subscribe(DROPPED_TOPIC, { qos: 0 }, () => undefined);
    });
    client.on('message', (_topic, payload) => this.onDropReport(payload));
    client.on('error', () => undefined); // the ingesting connections report the broker's state
    return client;
  }

  private onDropReport(payload: Buffer): void {
    const first = this.drops.dropped === undefined;
    const more = this.drops.report(payload);
    if (more === 0) return;
    this.logger.warn(
      { dropped: this.drops.dropped, since: first ? 'broker start' : 'last report', more },
      'the MQTT broker dropped messages before any subscriber got them: raise max_queued_messages (docs/mqtt.md, broker settings)',
    );
  }

  /**
   * Resolves once the message is committed: its readings and its dead letter,
   * or a dead letter for the whole of it. Retries only what can succeed later
   * (the database unavailable); anything else becomes a dead letter, so no
   * message can hold back those behind it on its connection.
   */
  private async process(topic: string, payload: Buffer, delivery: Delivery): Promise<void> {
    const message = {
      topic,
      payload,
      serie: this.topicos.serieDe(topic),
      maxBytes: this.config.maxPayloadBytes,
    };
    let failure: string | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const result: MensajeIngerido = failure
          ? await this.lecturas.rejectMessage(topic, payload, [
              { field: '(dispositivo)', reason: `could not be processed: ${failure}` },
            ])
          : await this.lecturas.ingestMessage(message);
        this.count(result);
        // committed, but the connection is closing: better a redelivery (a duplicate) than an ack on a dead socket
        if (this.stopping) throw new Error('shutting down');
        return;
      } catch (error) {
        // during a long outage connections time out and the broker redelivers their
        // messages: stop retrying the old copies, or they pile up with every reconnect
        if (this.stopping || delivery.abandoned) throw error;
        if (!(error instanceof StoreUnavailableError) && failure === undefined) {
          this.logger.error(
            { err: error, topic },
            'message could not be processed; dead-lettering it',
          );
          failure = error instanceof Error ? error.message : String(error);
          continue;
        }
        this.stats.retries++;
        const waitMs = Math.min(100 * 2 ** Math.min(attempt, 10), RETRY_MAX_MS);
        const { log, suppressed } = this.retryLog.take();
        if (log) {
          this.logger.warn(
            { err: error, topic, waitMs, suppressed },
            'cannot store message yet, retrying',
          );
        }
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  private count(result: MensajeIngerido): void {
    this.stats.messages++;
    this.stats.readings += result.stored;
    this.stats.duplicates += result.duplicate;
    this.stats.rejected += result.rejected;
  }
}

function safeUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createLogger } from '@iot/common';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { LecturaWriter } from '../lecturas/lectura-writer';
import { interpretarMensaje, Rechazo, TopicosLectura } from '../lecturas/mensaje-mqtt';
import { RechazadasService } from '../rechazadas/rechazadas.service';
import { Delivery, InOrderAcks } from './in-order-acks';
import { MQTT_CONFIG, MqttConfig } from './mqtt.config';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

/**
 * Why the `mqtt` package directly and not @nestjs/microservices' MQTT
 * transport: the transport acknowledges a QoS 1 message as soon as its handler
 * is entered, while here PUBACK must wait for the commit. With mqtt.js we take
 * over the PUBACK (InOrderAcks): each connection keeps up to `inFlight`
 * messages unacknowledged and acknowledges them in order once committed.
 * Several connections in one shared-subscription group feed the same group
 * commit (LecturaWriter).
 */
@Injectable()
export class MqttIngestor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = createLogger('mqtt');
  private readonly topicos: TopicosLectura;
  private readonly clients: MqttClient[] = [];
  private readonly acks: InOrderAcks[] = [];
  private parando = false;
  readonly stats = { mensajes: 0, lecturas: 0, duplicadas: 0, rechazadas: 0, reintentos: 0 };

  constructor(
    @Inject(MQTT_CONFIG) private readonly config: MqttConfig,
    private readonly writer: LecturaWriter,
    private readonly rechazadas: RechazadasService,
  ) {
    this.topicos = new TopicosLectura(config.topics);
  }

  onApplicationBootstrap(): void {
    // without a shared group every connection would receive every message
    const n = this.config.sharedGroup ? this.config.connections : 1;
    for (let i = 0; i < n; i++) this.clients.push(this.conectar(`${this.config.clientId}-${i}`));
  }

  /** First shutdown step: from here on nothing is acknowledged; the broker redelivers it. */
  async onModuleDestroy(): Promise<void> {
    this.parando = true;
    await Promise.all(this.clients.map((c) => c.endAsync(true).catch(() => undefined)));
  }

  conectadas(): number {
    return this.clients.filter((c) => c.connected).length;
  }

  total(): number {
    return this.clients.length;
  }

  /** Messages received and not yet acknowledged, over all connections. */
  sinAcuse(): number {
    return this.acks.reduce((n, a) => n + a.pending, 0);
  }

  private conectar(clientId: string): MqttClient {
    const c = this.config;
    const options: IClientOptions = {
      clientId,
      protocolVersion: c.protocolVersion,
      clean: false,
      username: c.username,
      password: c.password,
      reconnectPeriod: RECONNECT_MIN_MS,
      connectTimeout: 10_000,
      resubscribe: false, // we subscribe on every connect ourselves
      ...(c.protocolVersion === 5
        ? // receiveMaximum: the broker's window for this connection (MQTT 5 flow control)
          { properties: { sessionExpiryInterval: c.sessionExpiryS, receiveMaximum: c.inFlight } }
        : {}),
    };
    const client = mqtt.connect(c.url, options);
    const acks = new InOrderAcks(client, c.inFlight);
    this.acks.push(acks);
    client.handleMessage = (packet, handled) => {
      const delivery = acks.track(packet, handled);
      const payload = Buffer.isBuffer(packet.payload)
        ? packet.payload
        : Buffer.from(packet.payload);
      // rejected only when shutting down or abandoned: no PUBACK, the broker redelivers
      this.procesar(packet.topic, payload, delivery).then(
        () => delivery.committed(),
        () => undefined,
      );
    };
    client.on('connect', (connack) => {
      client.options.reconnectPeriod = RECONNECT_MIN_MS;
      this.logger.info(
        { clientId, sessionPresent: connack.sessionPresent },
        'connected to MQTT broker',
      );
      const filters = c.topics.map((t) => (c.sharedGroup ? `$share/${c.sharedGroup}/${t}` : t));
      client.subscribe(filters, { qos: 1 }, (error) => {
        if (error) this.logger.error({ err: error, clientId }, 'subscription failed');
      });
    });
    client.on('close', () => {
      if (this.parando) return;
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

  /** Resolves once everything the message holds is committed; retries until then. */
  private async procesar(topic: string, payload: Buffer, delivery: Delivery): Promise<void> {
    const serie = this.topicos.serieDe(topic);
    const mensaje =
      serie === null
        ? { lecturas: [], rechazos: [rechazoDeTopico(topic, payload)] }
        : interpretarMensaje(topic, payload, { maxBytes: this.config.maxPayloadBytes, serie });
    for (let intento = 0; ; intento++) {
      try {
        const resultados = await this.writer.write(mensaje.lecturas);
        const conflictos: Rechazo[] = [];
        for (const r of resultados) {
          if (r.estado === 'duplicate') this.stats.duplicadas++;
          if (r.estado !== 'conflict') continue;
          const texto = JSON.stringify({ ...r.guardada, valorVariable: r.valorRecibido });
          conflictos.push({
            topic,
            payload: texto,
            payloadBytes: Buffer.byteLength(texto),
            motivo: [
              {
                field: 'valorVariable',
                reason: `conflicts with the stored value ${r.guardada.valorVariable} (id ${r.guardada.id})`,
              },
            ],
          });
        }
        await this.rechazadas.guardar([...mensaje.rechazos, ...conflictos]);
        this.stats.mensajes++;
        this.stats.lecturas += mensaje.lecturas.length;
        this.stats.rechazadas += mensaje.rechazos.length + conflictos.length;
        // committed, but the connection is closing: better a redelivery (a duplicate) than an ack on a dead socket
        if (this.parando) throw new Error('shutting down');
        return;
      } catch (error) {
        // during a long outage connections time out and the broker redelivers their
        // messages: stop retrying the old copies, or they pile up with every reconnect
        if (this.parando || delivery.abandoned) throw error;
        this.stats.reintentos++;
        const esperaMs = Math.min(100 * 2 ** intento, 5000);
        if (intento === 0 || esperaMs === 5000) {
          this.logger.warn({ err: error, topic, esperaMs }, 'cannot store message yet, retrying');
        }
        await new Promise((r) => setTimeout(r, esperaMs));
      }
    }
  }
}

function rechazoDeTopico(topic: string, payload: Buffer): Rechazo {
  return {
    topic,
    payload: payload.toString('utf8'),
    payloadBytes: payload.length,
    motivo: [{ field: '(topic)', reason: 'is not one of the configured reading topics' }],
  };
}

function safeUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

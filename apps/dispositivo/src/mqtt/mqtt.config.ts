import { EnvReader } from '@iot/common';
import { DEFAULT_TOPICS } from '@iot/contracts';
import { hostname } from 'node:os';
import { TopicosLectura } from '../lecturas/mensaje-mqtt';

export interface MqttConfig {
  url: string;
  username?: string;
  password?: string;
  topics: string[];
  /** Shared-subscription group (`$share/<group>/...`); empty when the broker has none (aedes). */
  sharedGroup?: string;
  /** Connections per instance (in the shared group). */
  connections: number;
  /** Unacknowledged messages per connection (MQTT 5 receiveMaximum; our own cap on 3.1.1). */
  inFlight: number;
  /** Stable per instance, so a restarted instance resumes its broker session. */
  clientId: string;
  protocolVersion: 4 | 5;
  sessionExpiryS: number;
  /** An instance of the shared group silent this long is gone: another drains its sessions. */
  orphanAfterS: number;
  maxPayloadBytes: number;
}
export const MQTT_CONFIG = Symbol('MQTT_CONFIG');

export const MQTT_DEFAULT_TOPICS = DEFAULT_TOPICS.join(',');

/** MQTT ingestion is on when MQTT_URL is set (`npm start` sets it to its embedded broker). */
export function readMqttConfig(env: EnvReader): MqttConfig | undefined {
  const url = env.optionalUrl('MQTT_URL', ['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:']);
  const topics = env.list('MQTT_TOPICS', (t) => TopicosLectura.problema(t));
  const group = env.string('MQTT_SHARED_GROUP', 'dispositivo');
  const protocolVersion = env.oneOf('MQTT_PROTOCOL_VERSION', ['4', '5'], '5') === '4' ? 4 : 5;
  const config: MqttConfig = {
    url: url ?? '',
    username: env.optionalString('MQTT_USERNAME'),
    password: env.optionalString('MQTT_PASSWORD'),
    topics: topics.length > 0 ? topics : MQTT_DEFAULT_TOPICS.split(','),
    sharedGroup: group === 'none' ? undefined : group,
    connections: env.int('MQTT_CONNECTIONS', 4, { min: 1, max: 256 }),
    inFlight: env.int('MQTT_IN_FLIGHT', 500, { min: 1, max: 65535 }),
    clientId: env.string('MQTT_CLIENT_ID', `dispositivo-${hostname()}`),
    protocolVersion,
    sessionExpiryS: env.int('MQTT_SESSION_EXPIRY_S', 7 * 24 * 3600, { min: 60 }),
    orphanAfterS: env.int('MQTT_ORPHAN_AFTER_S', 600, { min: 2, max: 7 * 24 * 3600 }),
    maxPayloadBytes: env.int('MQTT_MAX_PAYLOAD_BYTES', 256 * 1024, { min: 1024 }),
  };
  env.require(
    !config.sharedGroup || /^[A-Za-z0-9_-]+$/.test(config.sharedGroup),
    'MQTT_SHARED_GROUP must be letters, digits, _ or - (or "none")',
  );
  return url ? config : undefined;
}

/**
 * The MQTT topic layout devices publish to. The original suite's single
 * topic stays for devices already in the field; the per-device topic carries
 * the serial, which the brokers' ACLs bind keys to.
 */
export const ORIGINAL_TOPIC = 'iot/sensors4387t5';

/** A device's own topic: `dispositivos/<numeroSerie>/lecturas`. */
export const deviceTopic = (numeroSerie: string): string => `dispositivos/${numeroSerie}/lecturas`;

/** Every device's topic, as a subscription filter (`+` is the serial). */
export const DEVICE_TOPICS = deviceTopic('+');

/** What dispositivo subscribes to unless `MQTT_TOPICS` says otherwise. */
export const DEFAULT_TOPICS = [ORIGINAL_TOPIC, DEVICE_TOPICS];

/**
 * The topics a device key may publish to: its serials' own topics when bound,
 * else any device's topic and the original one.
 */
export function allowedTopics(series: readonly string[] | null | undefined): string[] {
  return series ? series.map(deviceTopic) : [...DEFAULT_TOPICS];
}

/** Whether a device key bound to `series` (null: unbound) may publish to `topic`. */
export function mayPublish(series: readonly string[] | null | undefined, topic: string): boolean {
  const levels = topic.split('/');
  const own = levels.length === 3 && deviceTopic(levels[1]) === topic;
  if (series) return own && series.includes(levels[1]);
  return own || topic === ORIGINAL_TOPIC;
}

import { EnvReader } from '@iot/common';

export interface DynsecConfig {
  /** The broker, with the dynamic-security admin's user and password in the URL. */
  url: string;
  timeoutMs: number;
}

/** `MQTT_DYNSEC_URL` set: device keys are mirrored as Mosquitto dynamic-security clients. */
export function readDynsecConfig(env: EnvReader): DynsecConfig | undefined {
  const url = env.optionalUrl('MQTT_DYNSEC_URL', ['mqtt:', 'mqtts:', 'tcp:']);
  const timeoutMs = env.int('MQTT_DYNSEC_TIMEOUT_MS', 5000, { min: 100, max: 60_000 });
  if (url) {
    const parsed = new URL(url);
    env.require(
      parsed.username !== '' && parsed.password !== '',
      'MQTT_DYNSEC_URL must carry the dynamic-security admin as user:password@',
    );
  }
  return url ? { url, timeoutMs } : undefined;
}

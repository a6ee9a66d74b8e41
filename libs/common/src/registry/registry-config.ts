import { hostname } from 'node:os';
import { EnvReader } from '../config/env';
import { ConsulRegistry } from './consul-registry';
import { ServiceRegistry, StaticRegistry } from './service-registry';

const REGISTRY_DRIVERS = ['static', 'consul'] as const;

export interface RegistryConfig {
  driver: (typeof REGISTRY_DRIVERS)[number];
  /** consul: the local agent. */
  consulUrl: string;
  consulToken?: string;
  /** consul: the address other services reach this one at. */
  advertiseAddress: string;
  /** static: base URLs per service name. */
  urls: Record<string, string[]>;
}

const STATIC_DEFAULTS: Record<string, { variable: string; url: string }> = {
  dispositivo: { variable: 'DISPOSITIVO_URL', url: 'http://127.0.0.1:8081' },
  facturacion: { variable: 'FACTURACION_URL', url: 'http://127.0.0.1:8082' },
};

function checkUrl(url: string): string | undefined {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol)
      ? undefined
      : 'is not an http(s) URL';
  } catch {
    return 'is not a valid URL';
  }
}

/** REGISTRY, CONSUL_URL, CONSUL_TOKEN, SERVICE_ADDRESS and the static URLs. */
export function readRegistryConfig(env: EnvReader, host: string): RegistryConfig {
  const urls: Record<string, string[]> = {};
  for (const [service, d] of Object.entries(STATIC_DEFAULTS)) {
    const listed = env.list(d.variable, checkUrl);
    urls[service] = listed.length > 0 ? listed : [d.url];
  }
  const consulUrl = env.optionalUrl('CONSUL_URL', ['http:', 'https:']) ?? 'http://127.0.0.1:8500';
  const wildcard = host === '0.0.0.0' || host === '::';
  return {
    driver: env.oneOf('REGISTRY', REGISTRY_DRIVERS, 'static'),
    consulUrl,
    consulToken: env.optionalString('CONSUL_TOKEN'),
    advertiseAddress: env.string('SERVICE_ADDRESS', wildcard ? hostname() : host),
    urls,
  };
}

export function createRegistry(
  config: RegistryConfig,
): ServiceRegistry & { close?(): Promise<void> } {
  return config.driver === 'consul'
    ? new ConsulRegistry({ url: config.consulUrl, token: config.consulToken })
    : new StaticRegistry(config.urls);
}

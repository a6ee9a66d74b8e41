import { EnvReader, readServiceConfig, ServiceConfig } from '@iot/common';
import { Role, ROLES } from '@iot/contracts';
import { DatabaseConfig, readDatabaseConfig } from '@iot/database';
import { DynsecConfig, readDynsecConfig } from '@iot/keys';

export interface GatewayConfig extends ServiceConfig {
  /** `ms_gateway`: the stored API keys. */
  database: DatabaseConfig;
  gatewaySecret: string;
  /** Processes sharing the port (node:cluster); each holds its own key cache and limiter. */
  workers: number;
  /** How often each instance reloads changed keys (the revocation delay). */
  keysRefreshMs: number;
  upstream: {
    /** No byte from an instance for this long: 504. */
    timeoutMs: number;
    /** Failures in a row that eject an instance, and for how long. */
    ejectAfterFailures: number;
    ejectForMs: number;
  };
  /** Per stored key, by role; shared through Redis when `redisUrl` is set, else per instance. */
  rateLimits: Record<Role, { perMinute: number; burst: number }>;
  /** Per client address, refused keys (401) before 429; through Redis like `rateLimits`. */
  authFailures: { perMinute: number; burst: number };
  redisUrl?: string;
  /** Mosquitto's dynamic-security plugin: device keys become MQTT clients. */
  dynsec?: DynsecConfig;
}

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const env = new EnvReader(source);
  const service = readServiceConfig(env, {
    name: 'gateway',
    portVar: 'GATEWAY_PORT',
    defaultPort: 8080,
    gateway: true,
  });
  const perMinute = env.int('RATE_LIMIT_PER_MINUTE', 600_000, { min: 1, max: 10_000_000 });
  const burst = env.int('RATE_LIMIT_BURST', 10_000, { min: 1, max: 1_000_000 });
  const rateLimits = Object.fromEntries(
    ROLES.map((role) => {
      const prefix = `RATE_LIMIT_${role.toUpperCase()}`;
      return [
        role,
        {
          perMinute: env.int(`${prefix}_PER_MINUTE`, perMinute, { min: 1, max: 10_000_000 }),
          burst: env.int(`${prefix}_BURST`, burst, { min: 1, max: 1_000_000 }),
        },
      ];
    }),
  ) as GatewayConfig['rateLimits'];
  const config: GatewayConfig = {
    ...service,
    database: readDatabaseConfig(env),
    gatewaySecret: service.gatewaySecret ?? '',
    workers: env.int('GATEWAY_WORKERS', 1, { min: 1, max: 64 }),
    keysRefreshMs: env.int('KEYS_REFRESH_MS', 2000, { min: 100, max: 5000 }),
    upstream: {
      timeoutMs: env.int('GATEWAY_UPSTREAM_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
      ejectAfterFailures: env.int('GATEWAY_EJECT_AFTER_FAILURES', 3, { min: 1, max: 100 }),
      ejectForMs: env.int('GATEWAY_EJECT_MS', 10_000, { min: 100, max: 600_000 }),
    },
    rateLimits,
    authFailures: {
      perMinute: env.int('AUTH_FAILURES_PER_MINUTE', 60, { min: 1, max: 10_000_000 }),
      burst: env.int('AUTH_FAILURES_BURST', 30, { min: 1, max: 1_000_000 }),
    },
    redisUrl: env.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
    dynsec: readDynsecConfig(env),
  };
  env.done();
  return config;
}

/** The gateway's validated config, as a provider. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

import { EnvReader, readServiceConfig, ServiceConfig } from '@iot/common';

export interface GatewayConfig extends ServiceConfig {
  upstream: {
    /** No byte from an instance for this long: 504. */
    timeoutMs: number;
    /** Failures in a row that eject an instance, and for how long. */
    ejectAfterFailures: number;
    ejectForMs: number;
  };
  /** Per API key; shared through Redis when `redisUrl` is set, else per instance. */
  rateLimit: { perMinute: number; burst: number };
  redisUrl?: string;
}

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const env = new EnvReader(source);
  const config: GatewayConfig = {
    ...readServiceConfig(env, {
      name: 'gateway',
      portVar: 'GATEWAY_PORT',
      defaultPort: 8080,
    }),
    upstream: {
      timeoutMs: env.int('GATEWAY_UPSTREAM_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
      ejectAfterFailures: env.int('GATEWAY_EJECT_AFTER_FAILURES', 3, { min: 1, max: 100 }),
      ejectForMs: env.int('GATEWAY_EJECT_MS', 10_000, { min: 100, max: 600_000 }),
    },
    rateLimit: {
      perMinute: env.int('RATE_LIMIT_PER_MINUTE', 600_000, { min: 1, max: 10_000_000 }),
      burst: env.int('RATE_LIMIT_BURST', 10_000, { min: 1, max: 1_000_000 }),
    },
    redisUrl: env.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
  };
  env.done();
  return config;
}

import { LogConfig, LOG_LEVELS } from '../logging/logger';
import { readRegistryConfig, RegistryConfig } from '../registry/registry-config';
import { EnvReader } from './env';

/** What every app reads: its name, where to listen, how to log, which API keys open it. */
export interface ServiceConfig {
  host: string;
  port: number;
  /** The service's own keys (service-to-service and operators; devices use the gateway's stored keys). */
  apiKeys: string[];
  /** Shared with the gateway: signs (gateway) or verifies (services) the caller header. */
  gatewaySecret?: string;
  /**
   * Services: the gateway's key store (its database). Set: a caller token must
   * name a key that is active there, with the role the token claims.
   */
  keysDatabaseUrl?: string;
  log: LogConfig;
  http: HttpLimits;
  /** `GET /metrics` on this port (no key: keep it internal); undefined: no metrics server. */
  metricsPort?: number;
  /** Where the other services are, and (consul) how this one announces itself. */
  registry: RegistryConfig;
}

export interface HttpLimits {
  /** Whole request (headers and body) must arrive within this; slow clients are cut off. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A connection on which no byte moves either way for this long is closed (a client that stopped reading). */
  idleTimeoutMs: number;
  /** After SIGTERM, requests in flight get this long; then the connections left are cut. */
  shutdownGraceMs: number;
}

const MIN_API_KEY_LENGTH = 16;
const MIN_GATEWAY_SECRET_LENGTH = 32;

/** Config check for one key of API_KEYS. */
function checkApiKey(key: string): string | undefined {
  return key.length < MIN_API_KEY_LENGTH
    ? `is shorter than ${MIN_API_KEY_LENGTH} characters`
    : undefined;
}

export function readServiceConfig(
  env: EnvReader,
  service: {
    name: string;
    portVar: string;
    defaultPort: number;
    /** The gateway has no `API_KEYS` (its keys are stored) and needs the secret. */
    gateway?: boolean;
  },
): ServiceConfig {
  const host = env.string('HOST', '127.0.0.1');
  const config: ServiceConfig = {
    host,
    port: env.port(service.portVar, service.defaultPort),
    apiKeys: service.gateway ? [] : env.list('API_KEYS', checkApiKey),
    gatewaySecret: env.optionalString('GATEWAY_SECRET'),
    keysDatabaseUrl: service.gateway
      ? undefined
      : env.optionalUrl('GATEWAY_DATABASE_URL', ['postgres:', 'postgresql:']),
    metricsPort: env.optionalString('METRICS_PORT') ? env.port('METRICS_PORT', 0) : undefined,
    log: { service: service.name, level: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info') },
    http: {
      requestTimeoutMs: env.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
      keepAliveTimeoutMs: env.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, { min: 100 }),
      idleTimeoutMs: env.int('HTTP_IDLE_TIMEOUT_MS', 60_000, { min: 100, max: 3_600_000 }),
      shutdownGraceMs: env.int('SHUTDOWN_GRACE_MS', 10_000, { min: 0, max: 600_000 }),
    },
    registry: readRegistryConfig(env, host),
  };
  env.require(
    service.gateway === true || config.apiKeys.length > 0,
    'API_KEYS must list at least one API key (comma-separated)',
  );
  env.require(
    service.gateway !== true || config.gatewaySecret !== undefined,
    'GATEWAY_SECRET is required (the same random value of at least 32 characters on the gateway and the services)',
  );
  env.require(
    (config.gatewaySecret?.length ?? MIN_GATEWAY_SECRET_LENGTH) >= MIN_GATEWAY_SECRET_LENGTH,
    `GATEWAY_SECRET is shorter than ${MIN_GATEWAY_SECRET_LENGTH} characters`,
  );
  return config;
}

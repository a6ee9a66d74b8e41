import { LogConfig, LOG_LEVELS } from '../logging/logger';
import { readRegistryConfig, RegistryConfig } from '../registry/registry-config';
import { EnvReader } from './env';

/** What every app reads: its name, where to listen, how to log, which API keys open it. */
export interface ServiceConfig {
  host: string;
  port: number;
  apiKeys: string[];
  log: LogConfig;
  http: HttpLimits;
  /** Where the other services are, and (consul) how this one announces itself. */
  registry: RegistryConfig;
}

export interface HttpLimits {
  /** Whole request (headers and body) must arrive within this; slow clients are cut off. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}

const MIN_API_KEY_LENGTH = 16;

/** Config check for one key of API_KEYS. */
function checkApiKey(key: string): string | undefined {
  return key.length < MIN_API_KEY_LENGTH
    ? `is shorter than ${MIN_API_KEY_LENGTH} characters`
    : undefined;
}

export function readServiceConfig(
  env: EnvReader,
  service: { name: string; portVar: string; defaultPort: number },
): ServiceConfig {
  const host = env.string('HOST', '127.0.0.1');
  const config: ServiceConfig = {
    host,
    port: env.port(service.portVar, service.defaultPort),
    apiKeys: env.list('API_KEYS', checkApiKey),
    log: { service: service.name, level: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info') },
    http: {
      requestTimeoutMs: env.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
      keepAliveTimeoutMs: env.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, { min: 100 }),
    },
    registry: readRegistryConfig(env, host),
  };
  env.require(
    config.apiKeys.length > 0,
    'API_KEYS must list at least one API key (comma-separated)',
  );
  return config;
}

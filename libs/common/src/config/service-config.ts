import { checkApiKey } from '../http/api-keys';
import { LOG_LEVELS } from '../logging/logger';
import { EnvReader } from './env';

/** What every app reads: where to listen and which API keys open it. */
export interface ServiceConfig {
  host: string;
  port: number;
  apiKeys: string[];
}

export function readServiceConfig(
  env: EnvReader,
  portVar: string,
  defaultPort: number,
): ServiceConfig {
  env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const config = {
    host: env.string('HOST', '127.0.0.1'),
    port: env.port(portVar, defaultPort),
    apiKeys: env.list('API_KEYS', checkApiKey),
  };
  env.require(
    config.apiKeys.length > 0,
    'API_KEYS must list at least one API key (comma-separated)',
  );
  return config;
}

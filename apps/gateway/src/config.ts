import { EnvReader, readServiceConfig, ServiceConfig } from '@iot/common';

export type GatewayConfig = ServiceConfig;

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const env = new EnvReader(source);
  const config = readServiceConfig(env, 'GATEWAY_PORT', 8080);
  env.done();
  return config;
}

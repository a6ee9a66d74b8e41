import { EnvReader, readServiceConfig, ServiceConfig } from '@iot/common';

export type GatewayConfig = ServiceConfig;

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const env = new EnvReader(source);
  const config = readServiceConfig(env, {
    name: 'gateway',
    portVar: 'GATEWAY_PORT',
    defaultPort: 8080,
  });
  env.done();
  return config;
}

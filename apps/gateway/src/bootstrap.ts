import { prepareDatabase } from '@iot/database';
import { createHttpApp } from '@iot/http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';
import { mountDocs } from './docs/docs';
import { KeyCache } from '@iot/keys';
import { Proxy } from './routing/proxy';
import { mountRoutes } from './routing/routing';
import { Upstreams } from './routing/upstreams';

/**
 * Proxied routes on node:http + undici (Proxy), the gateway's own routes on
 * Nest + Fastify like the other apps. The user's first choice, express +
 * express-http-proxy, measured at 0.19 of direct throughput for single POSTs;
 * Fastify + @fastify/reply-from at 0.38 (README, Gateway). The gateway checks
 * its stored keys itself (no `API_KEYS`).
 */
export async function createGatewayApp(config: GatewayConfig): Promise<NestFastifyApplication> {
  await prepareDatabase(config.database.url, config.database.connectTimeoutMs);
  const holder: { upstreams?: Upstreams; proxy?: Proxy } = {};
  const app = await createHttpApp(
    AppModule.forRoot(config, () => holder.upstreams),
    config,
    {
      bodyLimit: 1024 * 1024,
      ownAuth: true,
      front: (req: IncomingMessage, res: ServerResponse) => holder.proxy?.handle(req, res) ?? false,
    },
  );
  Object.assign(holder, mountRoutes(app.getHttpAdapter().getInstance(), config, app.get(KeyCache)));
  mountDocs(app, holder.upstreams!);
  return app;
}

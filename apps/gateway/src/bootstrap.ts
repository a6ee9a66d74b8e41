import { prepareDatabase } from '@iot/database';
import { createHttpApp } from '@iot/http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';
import { mountDocs } from './docs/docs';
import { KeyCache } from './keys/key-cache';
import { mountRoutes } from './routing/routing';
import { Upstreams } from './routing/upstreams';

/**
 * Fastify with @fastify/reply-from, like the other apps on Fastify. The
 * user's first choice, express + express-http-proxy, measured at 0.19 of
 * direct throughput for single POSTs (README, Gateway); a plain node:http
 * proxy on the same machine reached 0.53, so the proxy layer was the cost.
 * The gateway checks its stored keys itself (no `API_KEYS`).
 */
export async function createGatewayApp(config: GatewayConfig): Promise<NestFastifyApplication> {
  await prepareDatabase(config.database.url, config.database.connectTimeoutMs);
  const holder: { upstreams?: Upstreams } = {};
  const app = await createHttpApp(
    AppModule.forRoot(config, () => holder.upstreams),
    config,
    { bodyLimit: 1024 * 1024, rawBodies: true, ownAuth: true },
  );
  holder.upstreams = await mountRoutes(
    app.getHttpAdapter().getInstance(),
    config,
    app.get(KeyCache),
  );
  mountDocs(app, holder.upstreams);
  return app;
}

import { prepareDatabase } from '@iot/database';
import { createHttpApp } from '@iot/http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';
import { mountDocs } from './docs/docs';
import { mountConsola } from './consola/estaticos';
import { mountFrontDoors } from './routing/front-doors';
import { GatewayProxy } from './routing/proxy';
import { Upstreams } from './routing/upstreams';

/**
 * Proxied routes on node:http + undici (GatewayProxy), the gateway's own
 * routes on Nest + Fastify like the other apps; every part comes from DI. The
 * user's first choice, express + express-http-proxy, measured at 0.19 of
 * direct throughput for single POSTs; Fastify + @fastify/reply-from at 0.38
 * (docs/benchmarks.md). The gateway checks its stored keys itself (no `API_KEYS`).
 */
export async function createGatewayApp(config: GatewayConfig): Promise<NestFastifyApplication> {
  await prepareDatabase(config.database.url, config.database.connectTimeoutMs);
  // the server takes requests only once listening, after the app below is built
  let proxy: GatewayProxy | undefined = undefined;
  const app = await createHttpApp(AppModule.forRoot(config), config, {
    bodyLimit: 1024 * 1024,
    ownAuth: true,
    front: (req, res) => proxy?.handle(req, res) ?? false,
  });
  proxy = app.get(GatewayProxy);
  mountFrontDoors(app);
  mountDocs(app, app.get(Upstreams));
  mountConsola(app);
  return app;
}

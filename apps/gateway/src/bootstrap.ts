import { createHttpApp } from '@iot/http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { GatewayConfig } from './config';
import { mountRoutes } from './routing/routing';
import { Upstreams } from './routing/upstreams';

/**
 * Fastify with @fastify/reply-from, like the other apps on Fastify. The
 * user's first choice, express + express-http-proxy, measured at 0.19 of
 * direct throughput for single POSTs (README, Gateway); a plain node:http
 * proxy on the same machine reached 0.53, so the proxy layer was the cost.
 */
export async function createGatewayApp(config: GatewayConfig): Promise<NestFastifyApplication> {
  const holder: { upstreams?: Upstreams } = {};
  const app = await createHttpApp(
    AppModule.forRoot(config, () => holder.upstreams),
    config,
    { bodyLimit: 1024 * 1024, rawBodies: true },
  );
  holder.upstreams = await mountRoutes(app.getHttpAdapter().getInstance(), config);
  return app;
}

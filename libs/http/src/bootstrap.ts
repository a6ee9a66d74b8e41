import { INestApplication } from '@nestjs/common';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureLogging, PinoNestLogger, ServiceConfig } from '@iot/common';
import { routeTableProblems } from '@iot/contracts';
import { findKeyChangesSince, KeyCache } from '@iot/keys';
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import { ApiKeys } from './api-keys';
import { requireCallers } from './fastify-auth';
import { HttpExceptionFilter } from './http-exception.filter';
import { serveMetrics } from './metrics';
import { useRequestIds } from './request-id';
import { serveApiDescription } from './openapi';
import { createValidationPipe } from './validation';

export interface HttpAppOptions {
  /** Largest request body accepted, in bytes; larger ones get 413. */
  bodyLimit: number;
  /** The gateway checks its stored keys itself. */
  ownAuth?: boolean;
  /**
   * The service whose part of the route contract (PROXIED_ROUTES and
   * INTERNAL_ROUTES in libs/contracts) this app must serve exactly: checked
   * once its routes are registered, and the start fails naming the difference.
   */
  routeContract?: string;
  /**
   * Sees every request before Fastify; returns true for one it has taken
   * (the gateway's proxy). Called only once the app is built.
   */
  front?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Served as OpenAPI at `/openapi.json` (the gateway shows it at `/docs`). */
  api?: { title: string; description: string };
}

/**
 * Builds an app on Fastify with API keys, the house-wide pipe, filter and
 * logger, and limits on slow clients: the whole request must arrive within
 * `requestTimeoutMs` (a body trickled in byte by byte is cut off).
 */
export async function createHttpApp(
  module: Parameters<typeof NestFactory.create>[0],
  config: ServiceConfig,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  configureLogging(config.log);
  const server = {
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    // node checks request deadlines on this interval (30 s by default)
    connectionsCheckingInterval: Math.min(1000, config.http.requestTimeoutMs),
    headersTimeout: Math.min(60_000, config.http.requestTimeoutMs),
    // a socket on which nothing moves (a client that stops reading its answer
    // holds it forever otherwise: the request timeout ends with the request)
    timeout: config.http.idleTimeoutMs,
  };
  const front = options.front;
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit,
    requestTimeout: server.requestTimeout,
    keepAliveTimeout: server.keepAliveTimeout,
    connectionTimeout: server.timeout,
    http: {
      connectionsCheckingInterval: server.connectionsCheckingInterval,
      headersTimeout: server.headersTimeout,
    },
    // with a front, the server is ours (Fastify then leaves its timeouts alone: set here)
    ...(front && {
      serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
        createServer(server, (req, res) => {
          if (!front(req, res)) handler(req, res);
        }).setTimeout(server.timeout),
    }),
  });
  useRequestIds(adapter.getInstance());
  if (options.routeContract) checkRouteContract(adapter.getInstance(), options.routeContract);
  if (!options.ownAuth) {
    requireCallers(adapter.getInstance(), {
      keys: new ApiKeys(config.apiKeys),
      gatewaySecret: config.gatewaySecret,
      activeKeys: config.keysDatabaseUrl
        ? await watchKeyStore(adapter.getInstance(), config.keysDatabaseUrl)
        : undefined,
    });
  }
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoNestLogger(),
  });
  configureHttpApp(app);
  if (options.api) serveApiDescription(app, options.api);
  if (config.metricsPort !== undefined) {
    const server = await serveMetrics(config.metricsPort, config.host);
    adapter.getInstance().addHook('onClose', (_instance, done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  }
  return app;
}

function checkRouteContract(fastify: FastifyInstance, service: string): void {
  const served: string[] = [];
  fastify.addHook('onRoute', (route) => void served.push(route.url));
  fastify.addHook('onReady', (done) => {
    const problems = routeTableProblems(service, served);
    done(
      problems.length === 0
        ? undefined
        : new Error(`${service}'s routes differ from libs/contracts: ${problems.join('; ')}`),
    );
  });
}

/**
 * The gateway's key store, read-only and polled like the gateway polls it
 * (a revocation reaches the services within the same delay). Until the first
 * load works every caller token is refused: closed, not open.
 */
async function watchKeyStore(fastify: FastifyInstance, url: string): Promise<KeyCache> {
  const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined); // a dropped idle connection: the next poll reconnects
  const cache = new KeyCache({ findChangedSince: (h) => findKeyChangesSince(pool, h) }, 2000);
  await cache.start();
  fastify.addHook('onClose', async () => {
    cache.stop();
    await pool.end();
  });
  return cache;
}

function configureHttpApp(app: INestApplication): void {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
}

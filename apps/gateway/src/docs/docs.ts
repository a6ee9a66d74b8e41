import { describeApi, errorBody, OPENAPI_PATH } from '@iot/http';
import { SwaggerModule } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SERVICES } from '../routing/proxy';
import { Upstreams } from '../routing/upstreams';

const CACHE_MS = 60_000;

/**
 * One Swagger UI at `/docs` (public) with a selector: each service's own
 * description, fetched from one of its instances and kept a minute, and the
 * gateway's (keys, health). Documents hold routes and schemas only, no secret.
 */
export function mountDocs(app: NestFastifyApplication, upstreams: Upstreams): void {
  const fastify = app.getHttpAdapter().getInstance();
  const cache = new Map<string, { document: unknown; at: number }>();
  for (const service of SERVICES) {
    fastify.get(`/docs/${service}.json`, async (_request, reply) => {
      const hit = cache.get(service);
      if (hit && Date.now() - hit.at < CACHE_MS) return reply.send(hit.document);
      const instance = await upstreams.pick(service, new Set());
      const res = instance
        ? await fetch(`${instance.url}${OPENAPI_PATH}`, {
            signal: AbortSignal.timeout(5000),
          }).catch(() => undefined)
        : undefined;
      if (!res?.ok) {
        return reply
          .code(503)
          .send(errorBody(503, `no description of ${service} available now`, { service }));
      }
      const document = await res.json();
      cache.set(service, { document, at: Date.now() });
      return reply.send(document);
    });
  }
  const gateway = describeApi(app, {
    title: 'gateway',
    description:
      'The one public entry: /api/dispositivo/** and /api/facturacion/** are routed to the services (pick them above); the gateway itself holds the API keys.',
  });
  SwaggerModule.setup('docs', app, gateway, {
    jsonDocumentUrl: 'docs/gateway.json',
    yamlDocumentUrl: 'docs/gateway.yaml',
    explorer: true,
    swaggerOptions: {
      urls: [...SERVICES, 'gateway'].map((name) => ({ url: `/docs/${name}.json`, name })),
    },
  });
}

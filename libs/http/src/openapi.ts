import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { PUBLIC_ROUTE } from './public.decorator';

/** Where each service serves its own OpenAPI description (public: it holds no secret). */
export const OPENAPI_PATH = '/openapi.json';

export function describeApi(
  app: INestApplication,
  info: { title: string; description: string },
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'apiKey')
    .addSecurityRequirements('apiKey')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** `GET /openapi.json`, for the gateway's `/docs`. */
export function serveApiDescription(
  app: INestApplication,
  info: { title: string; description: string },
): void {
  const document = describeApi(app, info);
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.get(OPENAPI_PATH, { config: { [PUBLIC_ROUTE]: true } }, (_request, reply) =>
    reply.send(document),
  );
}

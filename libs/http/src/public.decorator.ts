import { RouteConfig } from '@nestjs/platform-fastify';

/** Key in a Fastify route's config that the onRequest key check skips. */
export const PUBLIC_ROUTE = 'iotPublic';

/** Opens a route handler of a Fastify app without an API key (health probes only). */
export const Public = (): MethodDecorator => RouteConfig({ [PUBLIC_ROUTE]: true });

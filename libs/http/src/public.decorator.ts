import { RouteConfig } from '@nestjs/platform-fastify';

/** Route config keys the onRequest caller check reads. */
export const PUBLIC_ROUTE = 'iotPublic';
export const INTERNAL_ROUTE = 'iotInternal';

/** Opens a route handler of a Fastify app without an API key (health probes, docs). */
export const Public = (): MethodDecorator => RouteConfig({ [PUBLIC_ROUTE]: true });

/**
 * Serves a route to the service's own `API_KEYS` only (service-to-service,
 * such as dispositivo's export to facturacion): a gateway caller, whatever
 * its role, is refused.
 */
export const Internal = (): MethodDecorator => RouteConfig({ [INTERNAL_ROUTE]: true });

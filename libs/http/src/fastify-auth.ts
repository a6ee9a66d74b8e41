import type { FastifyInstance } from 'fastify';
import { API_KEY_REJECTED, ApiKeys } from './api-keys';
import { errorBody } from './http-exception.filter';
import { PUBLIC_ROUTE } from './public.decorator';

/**
 * API keys on a Fastify app, checked in `onRequest`: before the body is read
 * or parsed, so a client without a key cannot make us read and parse a 1 MiB
 * batch (a Nest guard runs only after that). The refusal closes the
 * connection: a client that keeps sending a body after its 401 is not read
 * any further. Routes marked `@Public()` carry `PUBLIC_ROUTE` in their route
 * config. Unknown routes answer 401 too: no route discovery without a key.
 */
export function requireApiKeys(fastify: FastifyInstance, keys: ApiKeys): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const config = request.routeOptions.config as Partial<Record<typeof PUBLIC_ROUTE, unknown>>;
    if (config[PUBLIC_ROUTE] === true || keys.accepts(request)) {
      done();
      return;
    }
    void reply.code(401).header('connection', 'close').send(errorBody(401, API_KEY_REJECTED));
  });
}

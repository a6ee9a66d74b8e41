import { requestContext, requestIdFrom } from '@iot/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const CONTEXT = Symbol('requestContext');
type WithContext = FastifyRequest & { [CONTEXT]?: { requestId: string } };

/**
 * X-Request-Id (the client's when sane, else a new one) returned on the
 * response and carried by every log line written while serving the request.
 * The handler runs from the body's 'end' event, in the HTTP parser's async
 * context: the context entered in onRequest is entered again in
 * preValidation. Plain AsyncLocalStorage.run both times (an AsyncResource per
 * request to re-enter it cost ~3 µs, 8 % of a single POST's CPU).
 */
export function useRequestIds(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: WithContext, reply, done) => {
    const context = { requestId: requestIdFrom(request.headers['x-request-id']) };
    void reply.header('x-request-id', context.requestId);
    request[CONTEXT] = context;
    requestContext.run(context, done);
  });
  fastify.addHook('preValidation', (request: WithContext, _reply, done) => {
    const context = request[CONTEXT];
    if (context) requestContext.run(context, done);
    else done();
  });
}

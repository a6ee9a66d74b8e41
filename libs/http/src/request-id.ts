import { requestContext, requestIdFrom } from '@iot/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AsyncResource } from 'node:async_hooks';

const RESOURCE = Symbol('requestResource');
type WithResource = FastifyRequest & { [RESOURCE]?: AsyncResource };

/**
 * X-Request-Id (the client's when sane, else a new one) returned on the
 * response and carried by every log line written while serving the request.
 * The handler runs from the body's 'end' event, in the HTTP parser's async
 * context: the context entered in onRequest is re-entered in preValidation
 * (as @fastify/request-context does).
 */
export function useRequestIds(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: WithResource, reply, done) => {
    const requestId = requestIdFrom(request.headers['x-request-id']);
    void reply.header('x-request-id', requestId);
    requestContext.run({ requestId }, () => {
      const resource = new AsyncResource('iot-request');
      request[RESOURCE] = resource;
      resource.runInAsyncScope(done, request.raw);
    });
  });
  fastify.addHook('preValidation', (request: WithResource, _reply, done) => {
    const resource = request[RESOURCE];
    if (resource) resource.runInAsyncScope(done, request.raw);
    else done();
  });
}

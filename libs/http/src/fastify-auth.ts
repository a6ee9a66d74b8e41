import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_KEY_REJECTED, ApiKeys } from './api-keys';
import { Caller, CALLER_HEADER, CallerVerifier } from './caller-token';
import { errorBody } from './http-exception.filter';
import { INTERNAL_ROUTE, PUBLIC_ROUTE } from './public.decorator';

type WithCaller = FastifyRequest & { caller?: Caller };

export interface CallerSources {
  /** The service's own `API_KEYS`. */
  keys: ApiKeys;
  /** `GATEWAY_SECRET`: accept the gateway's signed caller header. Absent: only `keys`. */
  gatewaySecret?: string;
}

/**
 * Who is calling, checked in `onRequest`: before the body is read or parsed,
 * so a client without a key cannot make us read and parse a 1 MiB batch (a
 * Nest guard runs only after that). A caller is either the gateway (its
 * signed `x-iot-caller` header, naming the stored key it checked) or holds
 * one of the service's own keys; anyone else gets 401. That is what keeps
 * dispositivo and facturacion from being a side door around the gateway's
 * roles. The refusal closes the connection: a client that keeps sending a
 * body after its 401 is not read any further. Unknown routes answer 401 too.
 */
export function requireCallers(fastify: FastifyInstance, sources: CallerSources): void {
  const verifier = sources.gatewaySecret ? new CallerVerifier(sources.gatewaySecret) : undefined;
  fastify.decorateRequest('caller', undefined);
  fastify.addHook('onRequest', (request: WithCaller, reply, done) => {
    const config = request.routeOptions.config as Partial<Record<string, unknown>>;
    if (config[PUBLIC_ROUTE] === true) return done();
    if (sources.keys.accepts(request)) {
      request.caller = { role: 'service' };
      return done();
    }
    const token = request.headers[CALLER_HEADER];
    const caller = verifier && typeof token === 'string' ? verifier.verify(token) : undefined;
    if (caller && config[INTERNAL_ROUTE] !== true) {
      request.caller = caller;
      return done();
    }
    const status = caller ? 403 : 401;
    const message = caller ? 'internal route: service keys only' : API_KEY_REJECTED;
    void reply.code(status).header('connection', 'close').send(errorBody(status, message));
  });
}

/** The checked caller of this request (see `requireCallers`). */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller | undefined =>
    context.switchToHttp().getRequest<WithCaller>().caller,
);

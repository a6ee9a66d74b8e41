import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_KEY_REJECTED, ApiKeys } from './api-keys';
import { Caller, CALLER_HEADER, CallerVerifier } from './caller-token';
import { errorBody } from './http-exception.filter';
import { INTERNAL_ROUTE, PUBLIC_ROUTE } from './public.decorator';
import { allows, normalizePath } from '@iot/contracts';
import type { KeyHolder } from '@iot/keys';

type WithCaller = FastifyRequest & { caller?: Caller };

export interface CallerSources {
  /** The service's own `API_KEYS`. */
  keys: ApiKeys;
  /** `GATEWAY_SECRET`: accept the gateway's signed caller header. Absent: only `keys`. */
  gatewaySecret?: string;
  /** The gateway's key store (`GATEWAY_DATABASE_URL`): a token must name an active key of its role. */
  activeKeys?: {
    holderOf(keyId: string): KeyHolder | undefined;
    holderOfLatest(keyId: string): Promise<KeyHolder | undefined>;
  };
}

const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  return normalizePath(q === -1 ? url : url.slice(0, q));
};

const sameSeries = (a?: string[], b?: string[]): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((s, i) => s === b?.[i]);

/**
 * Why a valid token still may not call this route, if it may not: the role
 * table the gateway uses (a token is worth no more than its role), and with a
 * key store, the key it names must be active with that role and serials.
 */
function tokenRefusal(
  caller: Caller,
  method: string,
  url: string,
  activeKeys: CallerSources['activeKeys'],
): { status: number; message: string } | undefined {
  const path = pathOf(url);
  if (caller.role === 'service') return undefined;
  if (activeKeys) {
    const holder = activeKeys.holderOf(caller.keyId ?? '');
    if (!holder || holder.role !== caller.role || !sameSeries(holder.series, caller.series)) {
      return { status: 401, message: 'the caller token names no active key with its role' };
    }
  }
  if (!allows(caller.role, method, path)) {
    return { status: 403, message: `a ${caller.role} key may not ${method} ${path}` };
  }
  return undefined;
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
    const decide = (): void => {
      const refusal = !caller
        ? { status: 401, message: API_KEY_REJECTED }
        : config[INTERNAL_ROUTE] === true
          ? { status: 403, message: 'internal route: service keys only' }
          : tokenRefusal(caller, request.method, request.url, sources.activeKeys);
      if (!refusal) {
        request.caller = caller;
        return done();
      }
      void reply
        .code(refusal.status)
        .header('connection', 'close')
        .send(errorBody(refusal.status, refusal.message));
    };
    const keyId = caller?.keyId;
    if (keyId && sources.activeKeys && !sources.activeKeys.holderOf(keyId)) {
      // a key created on the gateway since our last poll: look once more before refusing
      sources.activeKeys.holderOfLatest(keyId).then(decide, decide);
      return;
    }
    decide();
  });
}

/** The checked caller of this request (see `requireCallers`). */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller | undefined =>
    context.switchToHttp().getRequest<WithCaller>().caller,
);

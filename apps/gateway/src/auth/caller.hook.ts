import { Caller, errorBody, presentedKey, signCaller, API_KEY_REJECTED } from '@iot/http';
import type { FastifyInstance } from 'fastify';
import { KeyCache, KeyHolder } from '../keys/key-cache';
import { allows, isAmbiguousPath, isPublicPath } from './policy';

/** What the auth hook leaves on a request for the rate limiter and the proxy. */
export interface Authenticated {
  holder?: KeyHolder;
  /** The signed caller header for the instance (see `requireCallers` in @iot/http). */
  callerToken?: string;
}

export const authenticated = (request: unknown): Authenticated => request as Authenticated;

const TOKEN_TTL_S = 60;

/** One signed token per key, reused until half its life is gone. */
class CallerTokens {
  private readonly byKey = new Map<string, { token: string; expiresAtS: number }>();

  constructor(private readonly secret: string) {}

  for(holder: KeyHolder): string {
    const now = Date.now() / 1000;
    const hit = this.byKey.get(holder.keyId);
    if (hit && hit.expiresAtS - now > TOKEN_TTL_S / 2) return hit.token;
    const caller: Caller & { role: KeyHolder['role']; keyId: string } = {
      role: holder.role,
      keyId: holder.keyId,
      ...(holder.series && { series: holder.series }),
    };
    const expiresAtS = Math.floor(now) + TOKEN_TTL_S;
    const token = signCaller(caller, this.secret, expiresAtS);
    if (this.byKey.size >= 100_000) this.byKey.clear();
    this.byKey.set(holder.keyId, { token, expiresAtS });
    return token;
  }
}

/**
 * Stored keys and roles, in `onRequest` (nothing of the body is read before):
 * 401 without a known key, 403 when the key's role may not call the route,
 * 400 for paths that could be rewritten into another route on the way.
 * Refusals close the connection.
 */
export function authenticate(fastify: FastifyInstance, keys: KeyCache, secret: string): void {
  const tokens = new CallerTokens(secret);
  fastify.addHook('onRequest', (request, reply, done) => {
    const q = request.url.indexOf('?');
    const path = q === -1 ? request.url : request.url.slice(0, q);
    if (isPublicPath(path)) return done();
    const refuse = (status: number, message: string): void => {
      void reply.code(status).header('connection', 'close').send(errorBody(status, message));
    };
    if (isAmbiguousPath(path)) return refuse(400, 'dot or empty segments are not allowed in paths');
    const key = presentedKey(request);
    const holder = key === undefined ? undefined : keys.resolve(key);
    if (!holder) return refuse(401, API_KEY_REJECTED);
    if (!allows(holder.role, request.method, path)) {
      return refuse(403, `a ${holder.role} key may not ${request.method} ${path}`);
    }
    const a = authenticated(request);
    a.holder = holder;
    a.callerToken = tokens.for(holder);
    done();
  });
}

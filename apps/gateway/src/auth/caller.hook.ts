import {
  API_KEY_REJECTED,
  Caller,
  CALLER_TOKEN_TTL_S,
  errorBody,
  HeaderCarrier,
  presentedKey,
  signCaller,
} from '@iot/http';
import type { FastifyInstance } from 'fastify';
import { KeyCache, KeyHolder } from '@iot/keys';
import { allows, normalizePath } from '@iot/contracts';
import type { FailedAuthentications } from '../limits/rate-limit.hook';
import { isAmbiguousPath, isPublicPath } from './policy';

/** What the auth hook leaves on a request for the rate limiter. */
export interface Authenticated {
  holder?: KeyHolder;
  /** The signed caller header the gateway sends the services on this caller's behalf. */
  callerToken?: string;
}

export const authenticated = (request: unknown): Authenticated => request as Authenticated;

/** One signed token per key, reused until half its life is gone. */
class CallerTokens {
  private readonly byKey = new Map<string, { token: string; expiresAtS: number }>();

  constructor(private readonly secret: string) {}

  for(holder: KeyHolder): string {
    const now = Date.now() / 1000;
    const hit = this.byKey.get(holder.keyId);
    if (hit && hit.expiresAtS - now > CALLER_TOKEN_TTL_S / 2) return hit.token;
    const caller: Caller & { role: KeyHolder['role']; keyId: string } = {
      role: holder.role,
      keyId: holder.keyId,
      ...(holder.series && { series: holder.series }),
    };
    const expiresAtS = Math.floor(now) + CALLER_TOKEN_TTL_S;
    const token = signCaller(caller, this.secret, expiresAtS);
    if (this.byKey.size >= 100_000) this.byKey.clear();
    this.byKey.set(holder.keyId, { token, expiresAtS });
    return token;
  }
}

/** A refusal with Retry-After (429). */
export interface Throttled {
  retryAfterS: number;
  message: string;
}

export type Verdict =
  | { ok: true; holder: KeyHolder; callerToken: string }
  | { ok: false; status: number; message: string };

/**
 * Stored keys and roles, decided from the request line and headers alone
 * (nothing of the body is read before): 401 without a known key, 403 when the
 * key's role may not call the route, 400 for paths that could be rewritten
 * into another route on the way.
 */
export class Authorizer {
  private readonly tokens: CallerTokens;

  constructor(
    private readonly keys: KeyCache,
    secret: string,
  ) {
    this.tokens = new CallerTokens(secret);
  }

  decide(method: string, path: string, headers: HeaderCarrier['headers']): Verdict {
    if (isAmbiguousPath(path)) {
      return { ok: false, status: 400, message: 'dot or empty segments are not allowed in paths' };
    }
    const key = presentedKey({ headers });
    const holder = key === undefined ? undefined : this.keys.resolve(key);
    if (!holder) return { ok: false, status: 401, message: API_KEY_REJECTED };
    if (!allows(holder.role, method, path)) {
      return { ok: false, status: 403, message: `a ${holder.role} key may not ${method} ${path}` };
    }
    return { ok: true, holder, callerToken: this.tokens.for(holder) };
  }
}

/** The path of `url` without its query, normalised as routes are matched (normalizePath). */
export const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  return normalizePath(q === -1 ? url : url.slice(0, q));
};

/** The gateway's own routes (keys; health and docs are public). Refusals close the connection. */
export function authenticate(
  fastify: FastifyInstance,
  authorizer: Authorizer,
  failed: FailedAuthentications,
): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = pathOf(request.url);
    if (isPublicPath(path)) return done();
    const verdict = authorizer.decide(request.method, path, request.headers);
    if (verdict.ok) {
      authenticated(request).holder = verdict.holder;
      authenticated(request).callerToken = verdict.callerToken;
      return done();
    }
    const refuse = (status: number, message: string, retryAfterS?: number): void => {
      if (retryAfterS !== undefined) void reply.header('retry-after', String(retryAfterS));
      void reply.code(status).header('connection', 'close').send(errorBody(status, message));
    };
    if (verdict.status !== 401) return refuse(verdict.status, verdict.message);
    failed.record(request.socket.remoteAddress).then(
      (throttled) =>
        throttled
          ? refuse(429, throttled.message, throttled.retryAfterS)
          : refuse(401, verdict.message),
      (error: Error) => done(error),
    );
  });
}

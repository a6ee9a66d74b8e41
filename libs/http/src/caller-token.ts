import { Role, ROLES } from '@iot/contracts';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header the gateway sets on every request it forwards (and strips from clients). */
export const CALLER_HEADER = 'x-iot-caller';

/** How long a token the gateway signs is valid. */
export const CALLER_TOKEN_TTL_S = 60;
/** Clock difference allowed between the gateway and a service. */
export const CALLER_TOKEN_MAX_SKEW_S = 30;

/**
 * Who is calling a service. `service`: a key of the service's own `API_KEYS`
 * (internal callers such as facturacion's pull). The others come from the
 * gateway, which checked a stored key.
 */
export interface Caller {
  role: Role | 'service';
  /** The stored key's id (gateway callers). */
  keyId?: string;
  /** Serials a `dispositivo` key is bound to; absent: any serial. */
  series?: string[];
}

interface Claims {
  r: Role;
  k: string;
  s?: string[];
  /** Expiry, seconds since the epoch. */
  e: number;
}

const mac = (secret: string, payload: string): Buffer =>
  createHmac('sha256', secret).update(payload).digest();

/**
 * `<base64url(claims)>.<base64url(HMAC-SHA256)>`: the gateway's proof, to
 * dispositivo and facturacion, that it checked the caller's key. Short-lived,
 * so a token that leaks (a log line) soon stops working.
 */
export function signCaller(
  caller: { role: Role; keyId: string; series?: string[] },
  secret: string,
  expiresAtS: number,
): string {
  const claims: Claims = { r: caller.role, k: caller.keyId, e: expiresAtS };
  if (caller.series) claims.s = caller.series;
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** Verifies gateway tokens; remembers recent good ones (the gateway reuses a token per key). */
export class CallerVerifier {
  private readonly recent = new Map<string, { caller: Caller; expiresAtS: number }>();

  constructor(private readonly secret: string) {}

  verify(token: string, nowS = Date.now() / 1000): Caller | undefined {
    const hit = this.recent.get(token);
    if (hit) {
      if (hit.expiresAtS > nowS) return hit.caller;
      this.recent.delete(token);
      return undefined;
    }
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 4096) return undefined;
    const payload = token.slice(0, dot);
    const presented = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = mac(this.secret, payload);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      return undefined;
    }
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined; // signed garbage: only with the secret
    }
    if (!(claims.e > nowS)) return undefined;
    // the gateway never signs for longer: a far expiry is a forgery with a leaked secret
    if (claims.e > nowS + CALLER_TOKEN_TTL_S + CALLER_TOKEN_MAX_SKEW_S) return undefined;
    if (!(ROLES as readonly unknown[]).includes(claims.r) || typeof claims.k !== 'string') {
      return undefined;
    }
    const caller: Caller = { role: claims.r, keyId: claims.k };
    if (claims.s) caller.series = claims.s;
    if (this.recent.size >= 10_000) this.recent.clear();
    this.recent.set(token, { caller, expiresAtS: claims.e });
    return caller;
  }
}

import { hash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

export interface HeaderCarrier {
  headers: Record<string, string | string[] | undefined>;
}

export const API_KEY_REJECTED = 'Missing or invalid API key (x-api-key header)';

/** Extracts the key from `x-api-key` or `Authorization: Bearer <key>`. */
export function presentedKey(request: HeaderCarrier): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  return undefined;
}

/** Keys remembered as accepted: more than the configured ones only after a key rotation. */
const ACEPTADAS_MAX = 64;

/** The configured API keys, kept only as digests. */
export class ApiKeys {
  private readonly digests: Buffer[];
  /**
   * Keys already accepted, so a service calling many times a second is not
   * hashed every time (the SHA-256 was ~5 % of a single POST's CPU). Only
   * accepted keys are kept: a wrong key is always hashed and compared in
   * constant time; a hit tells a caller only what the answer does.
   */
  private readonly aceptadas = new Set<string>();

  constructor(keys: string[]) {
    this.digests = keys.map(digest);
  }

  /** Compares digests in constant time, so a timing probe learns nothing about a key. */
  accepts(request: HeaderCarrier): boolean {
    const key = presentedKey(request);
    if (key === undefined) return false;
    if (this.aceptadas.has(key)) return true;
    const presented = digest(key);
    const ok = this.digests.some((d) => timingSafeEqual(d, presented));
    if (ok && this.aceptadas.size < ACEPTADAS_MAX) this.aceptadas.add(key);
    return ok;
  }
}

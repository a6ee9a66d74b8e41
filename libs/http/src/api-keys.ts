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

/** The configured API keys, kept only as digests. */
export class ApiKeys {
  private readonly digests: Buffer[];

  constructor(keys: string[]) {
    this.digests = keys.map(digest);
  }

  /** Compares digests in constant time, so a timing probe learns nothing about a key. */
  accepts(request: HeaderCarrier): boolean {
    const key = presentedKey(request);
    if (key === undefined) return false;
    const presented = digest(key);
    return this.digests.some((d) => timingSafeEqual(d, presented));
  }
}

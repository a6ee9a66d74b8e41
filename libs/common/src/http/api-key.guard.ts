import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { IS_PUBLIC } from './public.decorator';

export const API_KEYS = Symbol('API_KEYS');

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

interface HeaderCarrier {
  headers: Record<string, string | string[] | undefined>;
}

/** Extracts the key from `x-api-key` or `Authorization: Bearer <key>`. */
export function presentedKey(request: HeaderCarrier): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  return undefined;
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly digests: Buffer[];

  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) keys: string[],
  ) {
    this.digests = keys.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const key = presentedKey(context.switchToHttp().getRequest<HeaderCarrier>());
    // compare digests in constant time so a timing probe learns nothing about a key
    const presented = key === undefined ? undefined : digest(key);
    if (presented && this.digests.some((d) => timingSafeEqual(d, presented))) return true;
    throw new UnauthorizedException('Missing or invalid API key (x-api-key header)');
  }
}

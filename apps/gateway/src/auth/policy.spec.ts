import { isAmbiguousPath, isPublicPath } from './policy';

describe('role policy', () => {
  it('opens only health and docs', () => {
    expect(['/health', '/health/ready', '/docs', '/docs/json'].every(isPublicPath)).toBe(true);
    expect(['/healthz', '/api/health', '/docsx'].some(isPublicPath)).toBe(false);
  });

  it('finds dot, empty and encoded-slash segments', () => {
    for (const p of [
      '/a/../b',
      '/a/./b',
      '/a/..',
      '/a/%2E%2e/b',
      '/a//b',
      '/a%2fb',
      '/a\\b',
      '/a/%5c',
    ]) {
      expect([p, isAmbiguousPath(p)]).toEqual([p, true]);
    }
    for (const p of ['/api/dispositivo/envio', '/a/b.c', '/a/..b', '/a/b..', '/a/%41']) {
      expect([p, isAmbiguousPath(p)]).toEqual([p, false]);
    }
  });
});

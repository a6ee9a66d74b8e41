import { MemoryRateLimiter } from './rate-limiter';

describe('MemoryRateLimiter (token bucket)', () => {
  it('lets a burst through, refuses with Retry-After, refills at the rate', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now);
    const limit = { perMinute: 60, burst: 3 };
    const take = async () => (await limiter.take('k', limit)).allowed;
    expect([await take(), await take(), await take(), await take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(await limiter.take('k', limit)).toEqual({ allowed: false, retryAfterS: 1 });
    expect(await limiter.take('other', limit)).toMatchObject({ allowed: true });
    now += 1000; // one token per second
    expect([await take(), await take()]).toEqual([true, false]);
    now += 60_000; // never more than the burst
    expect([await take(), await take(), await take(), await take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    await limiter.close();
  });
});

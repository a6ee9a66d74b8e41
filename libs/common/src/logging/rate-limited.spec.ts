import { RateLimitedLog } from './rate-limited';

describe('RateLimitedLog', () => {
  it('lets one line per interval through and counts the rest', () => {
    let now = 0;
    const log = new RateLimitedLog(1000, () => now);
    expect(log.take()).toEqual({ log: true, suppressed: 0 });
    for (let i = 0; i < 50; i++) {
      now += 10;
      expect(log.take().log).toBe(false);
    }
    now = 1000;
    expect(log.take()).toEqual({ log: true, suppressed: 50 });
    now = 1500;
    expect(log.take().log).toBe(false);
  });
});

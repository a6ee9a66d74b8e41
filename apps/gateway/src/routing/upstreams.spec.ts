import { StaticRegistry } from '@iot/common';
import { Upstreams } from './upstreams';

describe('Upstreams', () => {
  const registry = new StaticRegistry({ dispositivo: ['http://a', 'http://b', 'http://c'] });
  let now = 0;
  const upstreams = () => new Upstreams(registry, { afterFailures: 2, forMs: 1000 }, () => now);
  const url = async (u: Upstreams, tried: string[] = []) =>
    (await u.pick('dispositivo', new Set(tried)))?.url;

  it('takes turns, skipping instances already tried for this request', async () => {
    const u = upstreams();
    expect([await url(u), await url(u), await url(u), await url(u)]).toEqual([
      'http://a',
      'http://b',
      'http://c',
      'http://a',
    ]);
    expect(
      await url(u, ['dispositivo@http://a', 'dispositivo@http://b', 'dispositivo@http://c']),
    ).toBeUndefined();
  });

  it('ejects an instance after repeated failures, for a while', async () => {
    now = 0;
    const u = upstreams();
    u.failed('dispositivo@http://b');
    expect(await u.counts(['dispositivo'])).toEqual({ dispositivo: 3 });
    u.failed('dispositivo@http://b');
    expect(await u.counts(['dispositivo'])).toEqual({ dispositivo: 2 });
    const picked = new Set([await url(u), await url(u), await url(u), await url(u)]);
    expect(picked).toEqual(new Set(['http://a', 'http://c']));
    now = 1001;
    expect(await u.counts(['dispositivo'])).toEqual({ dispositivo: 3 });
    u.succeeded('dispositivo@http://b');
  });
});

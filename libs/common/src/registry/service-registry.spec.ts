import { NoInstanceError, RoundRobin, StaticRegistry } from './service-registry';

describe('static registry', () => {
  it('rotates over the configured instances of a service', async () => {
    const registry = new StaticRegistry({ dispositivo: ['http://a:1', 'http://b:2'] });
    const rr = new RoundRobin(registry, 'dispositivo');
    const picked = [await rr.pick(), await rr.pick(), await rr.pick()].map((i) => i.url);
    expect(picked).toEqual(['http://a:1', 'http://b:2', 'http://a:1']);
  });

  it('names the service when it has no instance', async () => {
    const rr = new RoundRobin(new StaticRegistry({}), 'dispositivo');
    await expect(rr.pick()).rejects.toThrow(new NoInstanceError('dispositivo'));
    await expect(rr.pick()).rejects.toThrow('no instance of dispositivo is available');
  });
});

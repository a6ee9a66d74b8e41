import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { useFastAsyncResourceBind } from './async-resource-bind';

describe('useFastAsyncResourceBind', () => {
  const nativeBind = AsyncResource.prototype.bind.toString();

  beforeAll(() => useFastAsyncResourceBind());

  it('is still needed on this runtime (else delete it and this spec)', () => {
    // nodejs/node#59195 removes the per-call deprecate() accessors; once the
    // runtime in use has it, the patch is a no-op and must go
    expect(nativeBind).toContain('deprecate(');
  });

  it('replaces the bind that builds deprecation accessors on every call', () => {
    expect(AsyncResource.prototype.bind.toString()).not.toContain('deprecate(');
    expect(AsyncResource.prototype.bind.toString()).not.toBe(nativeBind);
    expect(useFastAsyncResourceBind()).toBe(false); // idempotent
  });

  it('runs the bound function in the context it was bound in', () => {
    const als = new AsyncLocalStorage<{ request: number }>();
    const bound = als.run({ request: 1 }, () =>
      new AsyncResource('test').bind(() => als.getStore()),
    );
    const viaStatic = als.run({ request: 2 }, () => AsyncResource.bind(() => als.getStore()));
    als.run({ request: 3 }, () => {
      expect(bound()).toEqual({ request: 1 });
      expect(viaStatic()).toEqual({ request: 2 });
    });
  });

  it('keeps this, arguments, return value, length and asyncResource', () => {
    const resource = new AsyncResource('test');
    function f(this: unknown, a: number, b: number) {
      return { self: this, sum: a + b };
    }
    const owner = { m: resource.bind(f) };
    expect(owner.m(1, 2)).toEqual({ self: owner, sum: 3 });
    const fixed = { name: 'fixed' };
    // @types/node still declares bind(fn) only; Node takes bind(fn, thisArg)
    const bindWith = resource.bind.bind(resource) as (fn: typeof f, thisArg: unknown) => typeof f;
    expect(bindWith(f, fixed)(2, 3)).toEqual({ self: fixed, sum: 5 });
    expect(resource.bind(f).length).toBe(2);
    expect((resource.bind(f) as unknown as { asyncResource: unknown }).asyncResource).toBe(
      resource,
    );
  });

  it('rejects a non-function like Node does', () => {
    expect(() => new AsyncResource('test').bind(42 as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});

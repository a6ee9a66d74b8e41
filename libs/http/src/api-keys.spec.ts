import { ApiKeys } from './api-keys';

const con = (key: string) => ({ headers: { 'x-api-key': key } });

describe('ApiKeys', () => {
  const keys = new ApiKeys(['clave-de-servicio-1234567890', 'otra-clave-0987654321']);

  it('accepts the configured keys, by header or bearer, the first time and after', () => {
    for (let i = 0; i < 2; i++) {
      expect(keys.accepts(con('clave-de-servicio-1234567890'))).toBe(true);
      expect(keys.accepts({ headers: { authorization: 'Bearer otra-clave-0987654321' } })).toBe(
        true,
      );
    }
  });

  it('refuses other keys every time, a prefix or a longer key too', () => {
    for (let i = 0; i < 2; i++) {
      expect(keys.accepts(con('clave-de-servicio-123456789'))).toBe(false);
      expect(keys.accepts(con('clave-de-servicio-12345678901'))).toBe(false);
      expect(keys.accepts(con(''))).toBe(false);
      expect(keys.accepts({ headers: {} })).toBe(false);
    }
  });
});

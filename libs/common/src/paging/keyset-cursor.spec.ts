import { InvalidInputError } from '../errors/domain-error';
import { decodeCursor, encodeCursor } from './keyset-cursor';

const b64 = (text: string): string => Buffer.from(text).toString('base64url');

describe('cursor', () => {
  it('round-trips', () => {
    const c = { estampaTiempo: new Date('2025-01-31T12:00:00.123Z'), id: 42 };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });

  it.each([
    ['forged text', b64('1;DROP')],
    ['an instant past 9999', b64('9999999999999999.1')],
    ['an id past 2^53', b64('1.9999999999999999')],
    ['id 0', b64('1.0')],
  ])('rejects %s naming the field', (_label, text) => {
    expect(() => decodeCursor(text)).toThrow(InvalidInputError);
  });
});

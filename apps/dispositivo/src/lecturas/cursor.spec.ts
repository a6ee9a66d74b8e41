import { InvalidInputError } from '@iot/common';
import { decodeCursor, encodeCursor } from './cursor';

describe('cursor', () => {
  it('round-trips', () => {
    const c = { estampaTiempo: new Date('2025-01-31T12:00:00.123Z'), id: 42 };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });

  it('rejects a forged cursor naming the field', () => {
    expect(() => decodeCursor(Buffer.from('1;DROP').toString('base64url'))).toThrow(
      InvalidInputError,
    );
  });
});

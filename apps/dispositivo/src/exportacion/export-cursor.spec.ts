import { InvalidInputError } from '@iot/common';
import { decodeExportCursor, encodeExportCursor } from './export-cursor';

const b64 = (t: string): string => Buffer.from(t).toString('base64url');

describe('export cursor', () => {
  it('round-trips 64-bit transaction ids', () => {
    const c = { xid: '18446744073709551615', id: 42 };
    expect(decodeExportCursor(encodeExportCursor(c))).toEqual(c);
  });

  it.each([b64('x.1'), b64('18446744073709551616.1'), b64('1.99999999999999999'), '%%'])(
    'refuses %p',
    (text) => {
      expect(() => decodeExportCursor(text)).toThrow(InvalidInputError);
    },
  );
});

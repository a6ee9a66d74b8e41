import { quoteIdentifier } from './identifiers';

describe('quoteIdentifier', () => {
  it('quotes safe names', () => {
    expect(quoteIdentifier('ms_dispositivo')).toBe('"ms_dispositivo"');
  });

  it.each(['', 'Voltaje', '1abc', 'a"; drop table x; --', 'a-b', 'x'.repeat(64)])(
    'rejects %p',
    (name) => {
      expect(() => quoteIdentifier(name)).toThrow(/Unsafe SQL identifier/);
    },
  );
});

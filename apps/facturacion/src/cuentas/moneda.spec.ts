import { InvalidInputError } from '@iot/common';
import { monedaValida } from './moneda';

describe('monedaValida', () => {
  it.each([
    ['COP', 2],
    ['EUR', 2],
    ['USD', 2],
    ['CLP', 0],
    ['JPY', 0],
    ['KWD', 3],
  ])('%s has %i decimals', (codigo, decimales) => {
    expect(monedaValida(codigo)).toEqual({ moneda: codigo, decimales });
  });

  it.each(['cop', 'XXXX', 'ABC', 'XAU', '', 'US$', 'EU\u0000'])(
    'refuses %j naming moneda',
    (codigo) => {
      expect(() => monedaValida(codigo)).toThrow(InvalidInputError);
      try {
        monedaValida(codigo);
      } catch (e) {
        expect((e as InvalidInputError).errors[0].field).toBe('moneda');
      }
    },
  );
});

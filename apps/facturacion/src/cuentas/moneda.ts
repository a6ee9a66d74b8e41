import { InvalidInputError } from '@iot/common';

const MONEDAS: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/**
 * ISO 4217's minor units where they are not 2 (list one). ICU's own figures
 * are CLDR's display digits (COP 0, where ISO says 2), so they are not used.
 */
const DECIMALES = new Map<string, number>([
  ...'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF'
    .split(' ')
    .map((c): [string, number] => [c, 0]),
  ...'BHD IQD JOD KWD LYD OMR TND'.split(' ').map((c): [string, number] => [c, 3]),
  ['CLF', 4],
  ['UYW', 4],
]);

/** Codes ISO 4217 lists without a minor unit (metals, funds, testing): nothing to bill in. */
const SIN_DECIMALES = new Set('XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX'.split(' '));

/** An ISO 4217 currency code and its minor unit (COP and EUR 2, CLP and JPY 0, KWD 3). */
export function monedaValida(codigo: string): { moneda: string; decimales: number } {
  if (!/^[A-Z]{3}$/.test(codigo) || !MONEDAS.has(codigo) || SIN_DECIMALES.has(codigo)) {
    throw new InvalidInputError([
      { field: 'moneda', reason: 'must be an ISO 4217 currency code, e.g. COP, EUR, USD' },
    ]);
  }
  return { moneda: codigo, decimales: DECIMALES.get(codigo) ?? 2 };
}

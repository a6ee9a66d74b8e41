import { InvalidInputError } from '@iot/common';
import { createValidationPipe } from './validation';
import { OptionalInt } from './query-params';

class Page {
  @OptionalInt(1000)
  limite?: number;
}

async function problemsOf(query: Record<string, unknown>): Promise<unknown> {
  try {
    return await createValidationPipe().transform(query, { type: 'query', metatype: Page });
  } catch (err) {
    if (err instanceof InvalidInputError) return err.errors;
    throw err;
  }
}

describe('OptionalInt', () => {
  it('takes a plain integer', async () => {
    expect(await problemsOf({ limite: '25' })).toEqual(expect.objectContaining({ limite: 25 }));
  });

  it.each([
    ['a NUL byte', '\0'],
    ['a word', 'diez'],
    ['a fraction', '2.5'],
    ['an empty value', ''],
    ['a hexadecimal literal', '0x10'],
    ['an exponent', '1e2'],
    ['spaces around', ' 5 '],
    ['a repeated parameter', ['1', '2']],
  ])('says "must be an integer" for %s', async (_what, limite) => {
    expect(await problemsOf({ limite })).toEqual([
      { field: 'limite', reason: 'must be an integer' },
    ]);
  });

  it.each([
    ['0', 'must be at least 1'],
    ['1001', 'must be at most 1000'],
    ['99999999999999999999', 'must be at most 1000'],
  ])('bounds %s: %s', async (limite, reason) => {
    expect(await problemsOf({ limite })).toEqual([{ field: 'limite', reason }]);
  });
});

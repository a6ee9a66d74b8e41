import { ultimaDePagina } from './pagina';

describe('ultimaDePagina', () => {
  it('is the last row of a full page, and nothing for a shorter (last) page', () => {
    expect(ultimaDePagina([1, 2, 3], 3)).toBe(3);
    expect(ultimaDePagina([1, 2], 3)).toBeUndefined();
    expect(ultimaDePagina([], 3)).toBeUndefined();
  });
});

import { forEachConcurrently } from './for-each-concurrently';

const pausa = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('forEachConcurrently', () => {
  it('runs every item, never more than the limit at once', async () => {
    let enCurso = 0;
    let maximo = 0;
    const hechos: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (x) => {
      enCurso++;
      maximo = Math.max(maximo, enCurso);
      await pausa(5 * (x % 3));
      hechos.push(x);
      enCurso--;
    });
    expect(hechos.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(maximo).toBe(3);
  });

  it('rejects with the first failure once the running ones have finished, and starts nothing after it', async () => {
    const empezados: number[] = [];
    const terminados: number[] = [];
    await expect(
      forEachConcurrently([1, 2, 3, 4, 5], 2, async (x) => {
        empezados.push(x);
        await pausa(x === 3 ? 20 : 1);
        if (x === 2) throw new Error('falla 2');
        terminados.push(x);
      }),
    ).rejects.toThrow('falla 2');
    expect(empezados).toEqual([1, 2, 3]); // 3 started when 1 finished, before 2 failed
    expect(terminados).toEqual([1, 3]); // 3 was still running when 2 failed: awaited
  });

  it('does nothing for no items', async () => {
    await expect(forEachConcurrently([], 4, () => Promise.reject(new Error('x')))).resolves.toBe(
      undefined,
    );
  });
});

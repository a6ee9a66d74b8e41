import { congelados, fueraDeBanda, huecos } from './calidad';

const MIN = 60_000;
const serie = (vs: number[], pasoMin = 1) => vs.map((v, i) => ({ t: i * pasoMin * MIN, v }));

describe('data quality findings', () => {
  it('finds gaps longer than maxGap, and only those', () => {
    const m = [0, 10, 50, 55].map((min) => ({ t: min * MIN, v: 1 }));
    expect(huecos('voltaje', m, 30 * MIN)).toEqual([
      { variable: 'voltaje', inicio: 10 * MIN, fin: 50 * MIN },
    ]);
  });

  it('finds a value stuck for longer than the threshold, not a short repeat', () => {
    const m = serie([1, 2, 2, 2, 2, 3, 3, 4], 10);
    // 2 from minute 10 to 40 (30 min), 3 from 50 to 60 (10 min)
    expect(congelados('corriente', m, 20 * MIN)).toEqual([
      { variable: 'corriente', inicio: 10 * MIN, fin: 40 * MIN },
    ]);
    expect(congelados('corriente', m, 30 * MIN)).toEqual([]);
  });

  it('counts voltage readings outside nominal ± 10 %', () => {
    expect(fueraDeBanda(serie([230, 206, 207, 253, 254, 100]), 230)).toBe(3);
  });
});

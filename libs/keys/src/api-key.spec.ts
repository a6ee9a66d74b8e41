import { InvalidInputError } from '@iot/common';
import { generateKey, keyIdOf } from '@iot/contracts';
import { checkNewKey } from './api-key';

const problems = (input: Record<string, unknown>): string[] => {
  try {
    checkNewKey(input);
    return [];
  } catch (error) {
    return (error as InvalidInputError).errors.map((e) => e.field);
  }
};

describe('API keys', () => {
  it('are iot_<id>_<secret>, the id readable back, 256 random bits each', () => {
    const a = generateKey();
    const b = generateKey();
    expect(keyIdOf(a.key)).toBe(a.id);
    expect(a.key).not.toBe(b.key);
    expect(Buffer.from(a.key.split('_').slice(2).join('_'), 'base64url')).toHaveLength(32);
    expect(keyIdOf(`${a.key}x`)).toBeUndefined();
  });

  it('checks a create request, naming each bad field', () => {
    expect(checkNewKey({ role: 'dispositivo', series: ['A', 'A', 'B'] })).toEqual({
      role: 'dispositivo',
      series: ['A', 'B'],
    });
    expect(problems({ role: 'root' })).toEqual(['role']);
    expect(problems({})).toEqual(['role']);
    expect(problems({ role: 'admin', series: ['A'] })).toEqual(['series']);
    expect(problems({ role: 'dispositivo', series: 'A' })).toEqual(['series']);
    expect(
      problems({ role: 'dispositivo', series: ['ok', '', '-x', 'a/b', 'x'.repeat(65)] }),
    ).toEqual(['series[1]', 'series[2]', 'series[3]', 'series[4]']);
    expect(problems({ role: 'admin', nombre: 'tab\there' })).toEqual(['nombre']);
    expect(problems({ role: 'admin', nombre: 7 })).toEqual(['nombre']);
  });
});

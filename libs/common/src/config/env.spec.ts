import { ConfigError, EnvReader } from './env';

describe('EnvReader', () => {
  it('reads typed values with fallbacks', () => {
    const env = new EnvReader({ PORT: '9000', FLAG: 'yes', EMPTY: '  ' });
    expect(env.port('PORT', 1)).toBe(9000);
    expect(env.bool('FLAG', false)).toBe(true);
    expect(env.string('EMPTY', 'dflt')).toBe('dflt');
    expect(() => env.done()).not.toThrow();
  });

  it('reports every invalid value at once', () => {
    const env = new EnvReader({ PORT: '70000', FLAG: 'maybe', URL: 'nope', LEVEL: 'loud' });
    env.port('PORT', 1);
    env.bool('FLAG', false);
    env.optionalUrl('URL', ['postgres:']);
    env.oneOf('LEVEL', ['info', 'debug'], 'info');
    let error: unknown;
    try {
      env.done();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain('PORT="70000" must be an integer between 0 and 65535');
    expect((error as Error).message).toContain('URL is not a valid URL');
  });

  it('does not echo secret list entries in problems', () => {
    const env = new EnvReader({ KEYS: 'short,alsoshort' });
    env.list('KEYS', (k) => (k.length < 16 ? 'is shorter than 16 characters' : undefined));
    expect(() => env.done()).toThrow(/KEYS: an entry is shorter than 16 characters/);
    expect(() => env.done()).not.toThrow(/alsoshort/);
  });
});

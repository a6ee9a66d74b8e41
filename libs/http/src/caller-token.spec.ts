import { CallerVerifier, signCaller } from './caller-token';

const SECRET = 'a'.repeat(32);
const now = 1_800_000_000;

describe('caller token', () => {
  it('round-trips role, key and serials until it expires', () => {
    const token = signCaller(
      { role: 'dispositivo', keyId: 'k1', series: ['S1'] },
      SECRET,
      now + 60,
    );
    const verifier = new CallerVerifier(SECRET);
    expect(verifier.verify(token, now)).toEqual({
      role: 'dispositivo',
      keyId: 'k1',
      series: ['S1'],
    });
    expect(verifier.verify(token, now + 59)).toBeDefined(); // remembered
    expect(verifier.verify(token, now + 60)).toBeUndefined();
    expect(new CallerVerifier(SECRET).verify(token, now + 61)).toBeUndefined();
  });

  it('refuses another secret, changed claims and garbage', () => {
    const token = signCaller(
      { role: 'dispositivo', keyId: 'k1', series: ['S1'] },
      SECRET,
      now + 60,
    );
    const verifier = new CallerVerifier(SECRET);
    expect(new CallerVerifier('b'.repeat(32)).verify(token, now)).toBeUndefined();
    const [, mac] = token.split('.');
    const admin = Buffer.from(JSON.stringify({ r: 'admin', k: 'k1', e: now + 60 })).toString(
      'base64url',
    );
    expect(verifier.verify(`${admin}.${mac}`, now)).toBeUndefined();
    for (const junk of ['', '.', 'x', `${token}x`, `.${mac}`, 'a'.repeat(5000)]) {
      expect(verifier.verify(junk, now)).toBeUndefined();
    }
  });
});

import { createHmac } from 'node:crypto';
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

  it('refuses tokens expiring further ahead than the lifetime plus skew (a forged expiry)', () => {
    const verifier = new CallerVerifier(SECRET);
    const at = (e: number) => signCaller({ role: 'admin', keyId: 'k1' }, SECRET, e);
    expect(verifier.verify(at(now + 90), now)).toBeDefined();
    expect(verifier.verify(at(now + 91), now)).toBeUndefined();
    expect(verifier.verify(at(now + 10 * 365 * 86_400), now)).toBeUndefined();
  });

  it('refuses signed claims naming an unknown role or no key, and signed garbage', () => {
    const verifier = new CallerVerifier(SECRET);
    const signed = (payload: string) => {
      const body = Buffer.from(payload).toString('base64url');
      return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
    };
    expect(verifier.verify(signed(JSON.stringify({ r: 'root', k: 'k', e: now + 60 })), now)).toBe(
      undefined,
    );
    expect(verifier.verify(signed(JSON.stringify({ r: 'admin', e: now + 60 })), now)).toBe(
      undefined,
    );
    expect(verifier.verify(signed('{not json'), now)).toBeUndefined();
  });
});

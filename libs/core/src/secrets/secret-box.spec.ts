import { randomBytes } from 'node:crypto';
import { deriveKey, open, seal } from './secret-box';

describe('secret box (AES-256-GCM under an HKDF-derived key)', () => {
  const serverSecret = Buffer.from('a server secret of at least thirty-two characters');
  const key = deriveKey(serverSecret, 'two-factor secrets');

  it('round-trips, never holds the plaintext, and uses a fresh IV each time', () => {
    const a = seal(key, 'JBSWY3DPEHPK3PXP', 'row-1');
    const b = seal(key, 'JBSWY3DPEHPK3PXP', 'row-1');
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from('JBSWY3DPEHPK3PXP'))).toBe(false);
    expect(open(key, a, 'row-1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses altered data, another aad, another key, another purpose, an unknown format', () => {
    const box = seal(key, 'secret material', 'row-1');
    const altered = Buffer.from(box);
    altered[altered.length - 1] ^= 1;
    expect(() => open(key, altered, 'row-1')).toThrow();
    expect(() => open(key, box, 'row-2')).toThrow();
    expect(() => open(deriveKey(randomBytes(32), 'two-factor secrets'), box, 'row-1')).toThrow();
    expect(() => open(deriveKey(serverSecret, 'signing keys'), box, 'row-1')).toThrow();
    expect(() => open(key, Buffer.from([1, 2, 3]), 'row-1')).toThrow('unknown secret box format');
  });

  it('derives per-purpose keys that are not the server secret itself', () => {
    const secret = Buffer.alloc(32, 7);
    expect(deriveKey(secret, 'a')).toHaveLength(32);
    expect(deriveKey(secret, 'a').equals(secret)).toBe(false);
    expect(deriveKey(secret, 'a').equals(deriveKey(secret, 'b'))).toBe(false);
  });
});

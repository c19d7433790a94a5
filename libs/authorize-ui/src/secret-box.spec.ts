import { deriveKey, open, seal } from './secret-box';

describe('secret box (AES-256-GCM under an HKDF key)', () => {
  const key = deriveKey(Buffer.from('x'.repeat(32)), 'two-factor-secret');

  it('round-trips, with a fresh IV each time', () => {
    const a = seal(key, 'JBSWY3DPEHPK3PXP', 'p');
    const b = seal(key, 'JBSWY3DPEHPK3PXP', 'p');
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from('JBSWY3DPEHPK3PXP'))).toBe(false);
    expect(open(key, a, 'p')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses another key, another purpose or a flipped bit', () => {
    const box = seal(key, 'secret', 'p');
    expect(() => open(deriveKey(Buffer.from('y'.repeat(32)), 'two-factor-secret'), box, 'p')).toThrow();
    expect(() => open(key, box, 'q')).toThrow();
    const tampered = Buffer.from(box);
    tampered[tampered.length - 1] ^= 1;
    expect(() => open(key, tampered, 'p')).toThrow();
  });
});

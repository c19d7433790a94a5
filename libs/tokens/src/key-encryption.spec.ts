import { randomBytes } from 'node:crypto';
import { decryptSecret, deriveKeyEncryptionKey, encryptSecret } from './key-encryption';

describe('signing-key encryption at rest', () => {
  const key = deriveKeyEncryptionKey(Buffer.from('a server secret of at least thirty-two characters'));

  it('round-trips, and never holds the plaintext', () => {
    const sealed = encryptSecret(key, '{"d":"private"}', 'kid-1');
    expect(sealed.toString('latin1')).not.toContain('private');
    expect(decryptSecret(key, sealed, 'kid-1')).toBe('{"d":"private"}');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret(key, 'same', 'kid').equals(encryptSecret(key, 'same', 'kid'))).toBe(false);
  });

  it('refuses altered data, another row, another secret', () => {
    const sealed = encryptSecret(key, 'secret material', 'kid-1');
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => decryptSecret(key, altered, 'kid-1')).toThrow();
    expect(() => decryptSecret(key, sealed, 'kid-2')).toThrow();
    expect(() => decryptSecret(deriveKeyEncryptionKey(randomBytes(32)), sealed, 'kid-1')).toThrow();
    expect(() => decryptSecret(key, Buffer.from([1, 2, 3]), 'kid-1')).toThrow('unknown signing key encryption format');
  });

  it('derives a key that is not the server secret itself', () => {
    const secret = Buffer.alloc(32, 7);
    const derived = deriveKeyEncryptionKey(secret);
    expect(derived).toHaveLength(32);
    expect(derived.equals(secret)).toBe(false);
  });
});

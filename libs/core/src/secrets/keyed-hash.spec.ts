import { createHmac } from 'node:crypto';
import { keyedHash, safeEqual } from './keyed-hash';

describe('keyed hashing', () => {
  const secret = Buffer.from('a server secret of at least 32 characters');

  it('is HMAC-SHA256 under the server secret: 32 bytes, deterministic', () => {
    const hash = keyedHash(secret, 'abcdEFGHijklMNOPqrst1234');
    expect(hash).toHaveLength(32);
    expect(hash.equals(keyedHash(secret, 'abcdEFGHijklMNOPqrst1234'))).toBe(true);
    expect(hash.equals(createHmac('sha256', secret).update('abcdEFGHijklMNOPqrst1234').digest())).toBe(true);
  });

  it('depends on the secret and on every character of the value', () => {
    const hash = keyedHash(secret, 'value');
    expect(hash.equals(keyedHash(Buffer.from('another server secret of 32+ chars!'), 'value'))).toBe(false);
    expect(hash.equals(keyedHash(secret, 'valuE'))).toBe(false);
    expect(hash.toString('hex')).not.toContain(Buffer.from('value').toString('hex'));
  });

  it('compares in constant time, and any length safely', () => {
    const a = keyedHash(secret, 'a');
    expect(safeEqual(a, Buffer.from(a))).toBe(true);
    expect(safeEqual(a, keyedHash(secret, 'b'))).toBe(false);
    expect(safeEqual(a, a.subarray(0, 16))).toBe(false);
    expect(safeEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });
});

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/** A 256-bit key for one purpose, derived from the server secret with HKDF-SHA256. */
export function deriveKey(serverSecret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, Buffer.from('gatehouse'), Buffer.from(purpose), 32));
}

/** AES-256-GCM: iv ‖ tag ‖ ciphertext. The purpose is bound as associated data. */
export function seal(key: Buffer, plaintext: string, purpose: string): Buffer {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(purpose));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Throws when the box was tampered with or sealed under another key. */
export function open(key: Buffer, box: Buffer, purpose: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, IV_LENGTH));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(box.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH));
  return Buffer.concat([decipher.update(box.subarray(IV_LENGTH + TAG_LENGTH)), decipher.final()]).toString('utf8');
}

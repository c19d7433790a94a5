import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 of a high-entropy secret under the server secret. Such secrets need no slow hash:
 * the key makes a stolen table useless, and one indexed lookup finds the row.
 */
export function keyedHash(serverSecret: Buffer, value: string): Buffer {
  return createHmac('sha256', serverSecret).update(value, 'utf8').digest();
}

/** Constant-time comparison of two byte strings of any length. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const APP_PASSWORD_LENGTH = 24;

/** 24 characters of [A-Za-z0-9] from a CSPRNG, as WordPress generates them (~142 bits). */
export function generateAppPassword(): string {
  let password = '';
  for (let index = 0; index < APP_PASSWORD_LENGTH; index++) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}

/** Shown once as six groups of four separated by spaces, e.g. `abcd EFGH ijkl MNOP qrst 1234`. */
export function chunkAppPassword(password: string): string {
  return password.match(/.{1,4}/g)?.join(' ') ?? password;
}

/** Clients may send the password with or without its spaces; WordPress drops anything not alphanumeric. */
export function normalizeAppPassword(input: string): string {
  return input.replace(/[^A-Za-z0-9]/g, '');
}

/**
 * An application's name as WordPress stores it (sanitize_text_field): tags and percent-encoded
 * octets removed, runs of whitespace made one space, trimmed. May come out empty.
 */
export function sanitizeAppName(input: string): string {
  let text = input.replace(/<[^>]*>?/g, '');
  let previous: string;
  do {
    previous = text;
    text = text.replace(/%[a-f0-9]{2}/gi, '');
  } while (text !== previous);
  return text.replace(/[\r\n\t ]+/g, ' ').trim();
}

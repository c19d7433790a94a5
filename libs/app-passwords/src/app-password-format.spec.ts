import { APP_PASSWORD_LENGTH, chunkAppPassword, generateAppPassword, normalizeAppPassword, sanitizeAppName } from './app-password-format';

describe('application password format', () => {
  it('generates 24 characters of [A-Za-z0-9], different every time', () => {
    const passwords = new Set(Array.from({ length: 200 }, () => generateAppPassword()));
    expect(passwords.size).toBe(200);
    for (const password of passwords) expect(password).toMatch(new RegExp(`^[A-Za-z0-9]{${APP_PASSWORD_LENGTH}}$`));
    // Every class of character shows up across many passwords (the alphabet is the whole of it).
    const all = [...passwords].join('');
    expect(all).toMatch(/[a-z]/);
    expect(all).toMatch(/[A-Z]/);
    expect(all).toMatch(/[0-9]/);
  });

  it('chunks into six groups of four separated by spaces', () => {
    expect(chunkAppPassword('abcdEFGHijklMNOPqrst1234')).toBe('abcd EFGH ijkl MNOP qrst 1234');
  });

  it('normalizes what clients send: spaces and other separators dropped, case kept', () => {
    expect(normalizeAppPassword('abcd EFGH ijkl MNOP qrst 1234')).toBe('abcdEFGHijklMNOPqrst1234');
    expect(normalizeAppPassword(' abcd-EFGH\tijkl ')).toBe('abcdEFGHijkl');
    expect(normalizeAppPassword(chunkAppPassword('x'.repeat(24)))).toBe('x'.repeat(24));
  });

  it('sanitizes names as sanitize_text_field does', () => {
    expect(sanitizeAppName('  My   App \n')).toBe('My App');
    expect(sanitizeAppName('<script>x</script>ok')).toBe('xok');
    expect(sanitizeAppName('100%41 sure')).toBe('100 sure');
    expect(sanitizeAppName('<b></b>')).toBe('');
    expect(sanitizeAppName('Café ☕')).toBe('Café ☕');
  });
});

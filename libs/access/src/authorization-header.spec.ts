import { WpError } from '@gatehouse/core';
import { authorizationScheme, parseBasicCredentials } from './authorization-header';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function refusal(header: string): WpError {
  try {
    parseBasicCredentials(header);
  } catch (error) {
    return error as WpError;
  }
  throw new Error(`accepted ${header}`);
}

describe('Authorization header parsing', () => {
  it('reads the scheme case-insensitively', () => {
    expect(authorizationScheme('BaSiC abc')).toBe('basic');
    expect(authorizationScheme('Bearer')).toBe('bearer');
  });

  it('splits user and password at the first colon; the password may contain colons and spaces', () => {
    expect(parseBasicCredentials(`Basic ${b64('boss:abcd efgh:ijkl')}`)).toEqual({ username: 'boss', password: 'abcd efgh:ijkl' });
    expect(parseBasicCredentials(`basic ${b64('a@b.test:x')}`)).toEqual({ username: 'a@b.test', password: 'x' });
    expect(parseBasicCredentials(`Basic   ${b64('u:p')}  `)).toEqual({ username: 'u', password: 'p' });
  });

  it('passes an empty user on, to be reported as an unknown username', () => {
    expect(parseBasicCredentials(`Basic ${b64(':secret')}`)).toEqual({ username: '', password: 'secret' });
  });

  it('refuses malformed credentials with a 400 in WordPress\'s shape', () => {
    for (const header of ['Basic', 'Basic ', 'Basic !!!!', 'Basic Ym9zcw', `Basic ${b64('nocolon')}`, `Basic ${b64('boss:')}`, `Basic ${b64(':')}`]) {
      const error = refusal(header);
      expect(error).toBeInstanceOf(WpError);
      expect(error.getStatus()).toBe(400);
      expect(error.code).toBe('rest_invalid_authorization_header');
    }
  });

  it('decodes non-UTF-8 bytes without throwing', () => {
    const header = `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x41]).toString('base64')}`;
    expect(parseBasicCredentials(header).password).toBe('A');
  });
});

import { phpJsonStringify } from './php-json';

describe('phpJsonStringify', () => {
  it('escapes slashes and non-ASCII as PHP\'s json_encode does', () => {
    expect(phpJsonStringify({ url: 'http://x/y' })).toBe('{"url":"http:\\/\\/x\\/y"}');
    expect(phpJsonStringify('é')).toBe('"\\u00e9"');
    expect(phpJsonStringify('☕')).toBe('"\\u2615"');
    expect(phpJsonStringify('😀')).toBe('"\\ud83d\\ude00"');
    expect(phpJsonStringify('<strong>Error:</strong>')).toBe('"<strong>Error:<\\/strong>"');
  });

  it('keeps everything else as JSON.stringify writes it', () => {
    expect(phpJsonStringify({ a: [1, null, true], b: 'q"\\' })).toBe('{"a":[1,null,true],"b":"q\\"\\\\"}');
    expect(phpJsonStringify(undefined)).toBe('null');
    expect(JSON.parse(phpJsonStringify({ s: 'a/é☕😀' }))).toEqual({ s: 'a/é☕😀' });
  });
});

import { immutableBody, phpJsonStringify, serializeReply } from './php-json';

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

describe('immutableBody and serializeReply', () => {
  it('serializes an ordinary body each time, as phpJsonStringify does', () => {
    const body = { url: 'http://x/y', name: 'é' };
    expect(serializeReply(body)).toBe(phpJsonStringify(body));
    body.name = 'changed';
    expect(serializeReply(body)).toBe('{"url":"http:\\/\\/x\\/y","name":"changed"}');
    expect(serializeReply('text')).toBe('"text"');
    expect(serializeReply(null)).toBe('null');
  });

  it('serializes an immutable body once: a deep-frozen copy, the original left alone', () => {
    const original = { url: 'http://x/y', list: [{ a: 1 }], empty: [], name: '☕' };
    const body = immutableBody(original);
    expect(body).toEqual(original);
    expect(body).not.toBe(original);
    expect(Object.isFrozen(body) && Object.isFrozen(body.list) && Object.isFrozen(body.list[0])).toBe(true);
    expect(Object.isFrozen(original)).toBe(false);
    const bytes = serializeReply(body);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes.toString()).toBe(phpJsonStringify(original));
    // Changing the original after the fact changes nothing that was registered.
    original.list[0].a = 2;
    expect(serializeReply(body).toString()).toBe('{"url":"http:\\/\\/x\\/y","list":[{"a":1}],"empty":[],"name":"\\u2615"}');
    expect(serializeReply(body)).toBe(bytes);
  });
});

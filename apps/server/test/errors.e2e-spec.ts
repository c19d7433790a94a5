import { connect } from 'node:net';
import { basic, createTestApp, TestApp } from './support/test-app';

const NO_ROUTE = { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } };

/** Sends raw bytes (headers fetch would refuse) and returns the status line and body. */
function rawRequest(url: string, head: Buffer): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(head));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(text.split(' ')[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe('errors in the WordPress envelope (e2e)', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.createUser('administrator', 'boss');
    key = await t.basicKey(admin);
  });
  afterAll(() => t.close());

  it('answers an unknown route, namespace or method with 404 rest_no_route', async () => {
    for (const [method, path] of [
      ['GET', '/wp-json/wp/v2/nothing'],
      ['GET', '/wp-json/wp/v9'],
      ['PUT', '/wp-json/'],
      ['DELETE', '/wp-json/wp/v2/users'],
      ['PATCH', '/wp-json/wp/v2/users'],
      ['GET', '/wp-json/wp/v2/users/abc/application-passwords'],
    ]) {
      const response = await fetch(t.url + path, { method, headers: { authorization: key } });
      expect({ method, path, status: response.status, body: await response.json() }).toEqual({ method, path, status: 404, body: NO_ROUTE });
    }
  });

  it('treats a wrong method on the introspect path as the item route, as WordPress does', async () => {
    const response = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords/introspect`, { method: 'DELETE', headers: { authorization: key } });
    expect(response.status).toBe(404);
    expect((await response.json()).code).toBe('rest_application_password_not_found');
  });

  it('answers malformed JSON with 400 rest_invalid_json, and reads an empty JSON body as no parameters', async () => {
    const response = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords`, {
      method: 'POST',
      headers: { authorization: key, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'rest_invalid_json', message: 'Invalid JSON body passed.', data: { status: 400, json_error_code: 4, json_error_message: 'Syntax error' } });
    const empty = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords`, { method: 'POST', headers: { authorization: key, 'content-type': 'application/json' }, body: '' });
    expect((await empty.json()).code).toBe('rest_missing_callback_param');
  });

  it('refuses an oversized body with a 4xx in the envelope', async () => {
    const response = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords`, {
      method: 'POST',
      headers: { authorization: key, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).code).toBe('rest_payload_too_large');
  });

  describe('malformed Authorization headers: a 4xx, never a 500, never authenticated', () => {
    const cases: [string, string][] = [
      ['scheme only', 'Basic'],
      ['scheme and a space', 'Basic '],
      ['bad base64', 'Basic !!!!'],
      ['base64 without padding', 'Basic Ym9zcw'],
      ['no colon', `Basic ${Buffer.from('boss').toString('base64')}`],
      ['empty password', `Basic ${Buffer.from('boss:').toString('base64')}`],
      ['empty user', `Basic ${Buffer.from(':aaaa bbbb').toString('base64')}`],
      ['only a colon', `Basic ${Buffer.from(':').toString('base64')}`],
      ['non-UTF-8 credentials', `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0xc3, 0x28]).toString('base64')}`],
      ['huge header', `Basic ${'A'.repeat(8000)}`],
      ['very long user', basic('u'.repeat(3000), 'x')],
    ];
    for (const [name, authorization] of cases) {
      it(name, async () => {
        const response = await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization } });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        const body = await response.json();
        expect(body.data.status).toBe(response.status);
        expect(typeof body.code).toBe('string');
      });
    }

    it('an empty user is an unknown username, as in WordPress', async () => {
      const response = await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: `Basic ${Buffer.from(':aaaa').toString('base64')}` } });
      expect(response.status).toBe(401);
      expect((await response.json()).code).toBe('invalid_username');
    });

    it('raw non-ASCII bytes in the header', async () => {
      const head = Buffer.concat([Buffer.from('GET /wp-json/wp/v2/users/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Basic '), Buffer.from([0xff, 0xc3, 0x28, 0x80]), Buffer.from('\r\n\r\n')]);
      const response = await rawRequest(t.url, head);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });

    it('a header larger than the server accepts', async () => {
      const response = await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: `Basic ${'A'.repeat(40_000)}` } });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });

    it('an unknown scheme is ignored: the request stays anonymous', async () => {
      const response = await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: 'Foo bar' } });
      expect(response.status).toBe(401);
      expect((await response.json()).code).toBe('rest_not_logged_in');
    });
  });
});

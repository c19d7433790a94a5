import { AUTHORIZE_CODE_TTL_MS, TwoFactorService } from '@gatehouse/authorize-ui';
import { Clock } from '@gatehouse/core';
import { createHash, randomBytes } from 'node:crypto';
import { basic, createTestApp, TestApp, TestUser } from './support/test-app';
import { hiddenFields, HttpSession } from './support/http-session';

const AUTHORIZE = '/wp-admin/authorize-application.php';
const EXCHANGE = '/wp-json/gatehouse/v1/authorize/exchange';
const APP_ID = '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11';

function query(params: Record<string, string>): string {
  return `${AUTHORIZE}?${new URLSearchParams(params).toString()}`;
}

function problemCodes(html: string): string[] {
  return [...html.matchAll(/<li data-code="([^"]+)" data-field="([^"]+)">/g)].map((match) => `${match[2]}:${match[1]}`);
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function countPasswords(t: TestApp, userId: number): Promise<number> {
  const rows: { count: string }[] = await t.dataSource.query(`SELECT count(*) FROM grants WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  return Number(rows[0].count);
}

const exchange = (t: TestApp, body: Record<string, string>) =>
  fetch(t.url + EXCHANGE, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('authorize application (e2e, HTTP, local environment)', () => {
  let t: TestApp;
  let bob: TestUser;
  let browser: HttpSession;
  let now: number;

  beforeAll(async () => {
    t = await createTestApp();
    bob = await t.createUser('editor', 'bob');
    now = Date.parse('2030-06-01T12:00:00Z');
    t.app.get(Clock).now = () => new Date(now);
    browser = new HttpSession(t.url);
    expect((await browser.login('bob', bob.password)).status).toBe(303);
  });
  afterAll(() => t.close());

  it('sends a logged-out visitor to log in and brings them back to the same request', async () => {
    const visitor = new HttpSession(t.url);
    const target = query({ app_name: 'My App', success_url: 'https://app.example/cb' });
    const first = await visitor.request(target);
    expect(first.status).toBe(302);
    const location = first.headers.get('location')!;
    expect(location).toBe(`/wp-login.php?redirect_to=${encodeURIComponent(target)}`);
    const { html } = await visitor.page(location);
    const login = await visitor.request('/wp-login.php', { form: { ...hiddenFields(html), log: 'bob', pwd: bob.password } });
    expect(login.headers.get('location')).toBe(target);
    const page = await visitor.page(target);
    expect(page.response.status).toBe(200);
    expect(page.html).toContain('<strong>My App</strong>');
  });

  it.each([
    [{ success_url: 'javascript://app.example/%0Aalert(1)' }, ['success_url:invalid_redirect_url_format']],
    [{ success_url: 'JAVASCRIPT:alert(1)' }, ['success_url:invalid_redirect_url_format']],
    [{ success_url: 'data://text/html,x' }, ['success_url:invalid_redirect_url_format']],
    [{ success_url: 'app.example/cb' }, ['success_url:invalid_redirect_url_format']],
    [{ success_url: 'https:///no-host' }, ['success_url:invalid_redirect_url_format']],
    [{ reject_url: 'javascript:alert(1)' }, ['reject_url:invalid_redirect_url_format']],
    [{ app_id: 'not-a-uuid' }, ['app_id:invalid_app_id']],
    [{ app_id: APP_ID.toUpperCase() }, ['app_id:invalid_app_id']],
    [{ success_url: 'nohost', reject_url: 'data:x', app_id: 'x' }, ['success_url:invalid_redirect_url_format', 'reject_url:invalid_redirect_url_format', 'app_id:invalid_app_id']],
    [{ response_type: 'code', success_url: 'https://app.example/cb' }, ['code_challenge:invalid_code_challenge', 'code_challenge_method:invalid_code_challenge_method']],
  ])('refuses %j with a 400 page listing every problem', async (params, expected) => {
    const { response, html } = await browser.page(query(params as Record<string, string>));
    expect(response.status).toBe(400);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(html).toContain('The Authorize Application request is not allowed.');
    expect(problemCodes(html)).toEqual(expected);
  });

  it('accepts plain http callbacks (any case) locally, and custom schemes', async () => {
    for (const url of ['http://localhost:9000/cb', 'HTTP://localhost:9000/cb', 'wordpress://authenticate']) {
      expect((await browser.page(query({ success_url: url }))).response.status).toBe(200);
    }
  });

  it('renders the consent form with the request verbatim in its hidden fields (custom scheme kept), CSP and no-store', async () => {
    const { response, html } = await browser.page(query({ app_name: 'Phone <App>', app_id: APP_ID, success_url: 'wordpress://authenticate?x=1&y=2', state: 'st"ate' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(response.headers.get('content-security-policy')).toContain("img-src 'self' data:");
    const fields = hiddenFields(html, AUTHORIZE);
    expect(fields).toMatchObject({ app_id: APP_ID, success_url: 'wordpress://authenticate?x=1&y=2', reject_url: 'wordpress://authenticate?x=1&y=2&success=false', state: 'st"ate' });
    expect(html).toContain('Phone &lt;App&gt;');
    expect(html).toContain('<label for="app_name">New Application Password Name</label>');
  });

  it('refuses a submit without the CSRF token, or with another form\'s token, and creates nothing', async () => {
    const before = await countPasswords(t, bob.user.id);
    const { html } = await browser.page(query({ app_name: 'X', success_url: 'https://app.example/cb' }));
    const fields = hiddenFields(html, AUTHORIZE);
    for (const nonce of ['', 'forged', fields._wpnonce.slice(0, -2) + 'AA']) {
      const response = await browser.request(AUTHORIZE, { form: { ...fields, _wpnonce: nonce, app_name: 'X', approve: '1' } });
      expect(response.status).toBe(403);
    }
    // Another user's session token is refused too.
    const other = new HttpSession(t.url);
    const carol = await t.createUser('author', 'carol');
    await other.login('carol', carol.password);
    expect((await other.request(AUTHORIZE, { form: { ...fields, app_name: 'X', approve: '1' } })).status).toBe(403);
    expect(await countPasswords(t, bob.user.id)).toBe(before);
  });

  it('validates the posted URLs again on submit', async () => {
    const before = await countPasswords(t, bob.user.id);
    const { html } = await browser.page(query({ app_name: 'X', success_url: 'https://app.example/cb' }));
    const fields = hiddenFields(html, AUTHORIZE);
    const response = await browser.request(AUTHORIZE, { form: { ...fields, success_url: 'javascript:alert(document.cookie)', app_name: 'X', approve: '1' } });
    expect(response.status).toBe(400);
    expect(problemCodes(await response.text())).toEqual(['success_url:invalid_redirect_url_format']);
    expect(await countPasswords(t, bob.user.id)).toBe(before);
  });

  it('approves: redirects to success_url with site_url, user_login, password and state; the password works', async () => {
    const { html } = await browser.page(query({ app_name: 'Phone', app_id: APP_ID, success_url: 'https://app.example/cb?keep=1', state: 'xyz 123' }));
    const response = await browser.request(AUTHORIZE, { form: { ...hiddenFields(html, AUTHORIZE), app_name: 'Phone', approve: '1' } });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://app.example/cb');
    expect(location.searchParams.get('keep')).toBe('1');
    expect(location.searchParams.get('site_url')).toBe(t.config.siteUrl);
    expect(location.searchParams.get('user_login')).toBe('bob');
    expect(location.searchParams.get('state')).toBe('xyz 123');
    const password = location.searchParams.get('password')!;
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    const me = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords/introspect`, { headers: { authorization: basic('bob', password) } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ name: 'Phone', app_id: APP_ID });
  });

  it('rejects: to reject_url, else success_url with success=false, with state; nothing created', async () => {
    const before = await countPasswords(t, bob.user.id);
    for (const [params, expected] of [
      [{ success_url: 'https://app.example/cb', reject_url: 'https://app.example/no', state: 's1' }, 'https://app.example/no?state=s1'],
      [{ success_url: 'https://app.example/cb', state: 's2' }, 'https://app.example/cb?success=false&state=s2'],
      [{ success_url: 'wordpress://authenticate' }, 'wordpress://authenticate?success=false'],
      [{}, '/wp-admin/profile.php'],
    ] as const) {
      const { html } = await browser.page(query(params));
      const response = await browser.request(AUTHORIZE, { form: { ...hiddenFields(html, AUTHORIZE), app_name: '', reject: '1' } });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(expected);
    }
    expect(await countPasswords(t, bob.user.id)).toBe(before);
  });

  it('with no success_url shows the new password once, on a no-store page', async () => {
    const { html } = await browser.page(query({ app_name: 'Script' }));
    const response = await browser.request(AUTHORIZE, { form: { ...hiddenFields(html, AUTHORIZE), app_name: 'Script', approve: '1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    const page = await response.text();
    const password = /id="new-application-password-value" class="code" readonly value="([^"]+)"/.exec(page)![1];
    expect(password).toMatch(/^([A-Za-z0-9]{4} ){5}[A-Za-z0-9]{4}$/);
    expect((await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('bob', password) } })).status).toBe(200);
  });

  it('refuses an empty application name on approve', async () => {
    const { html } = await browser.page(query({ success_url: 'https://app.example/cb' }));
    const response = await browser.request(AUTHORIZE, { form: { ...hiddenFields(html, AUTHORIZE), app_name: '  ', approve: '1' } });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('An application name is required.');
  });

  describe('response_type=code with PKCE', () => {
    async function approveForCode(state?: string): Promise<{ code: string; verifier: string; location: URL }> {
      const { verifier, challenge } = pkce();
      const params: Record<string, string> = { app_name: 'Coded', app_id: APP_ID, success_url: 'https://app.example/cb', response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256' };
      if (state !== undefined) params.state = state;
      const { html } = await browser.page(query(params));
      const response = await browser.request(AUTHORIZE, { form: { ...hiddenFields(html, AUTHORIZE), app_name: 'Coded', approve: '1' } });
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location')!);
      return { code: location.searchParams.get('code')!, verifier, location };
    }

    it('redirects with a code and the state, never a password; the code is stored only hashed', async () => {
      const before = await countPasswords(t, bob.user.id);
      const { code, location } = await approveForCode('opaque-state');
      expect([...location.searchParams.keys()].sort()).toEqual(['code', 'state']);
      expect(location.searchParams.get('state')).toBe('opaque-state');
      expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await countPasswords(t, bob.user.id)).toBe(before);
      const stored: { code_hash: Buffer }[] = await t.dataSource.query(`SELECT code_hash FROM authorize_codes`);
      expect(stored.some((row) => row.code_hash.toString('base64url') === code || row.code_hash.includes(Buffer.from(code)))).toBe(false);
    });

    it('exchanges code + verifier for the password once; a reuse is invalid_grant', async () => {
      const { code, verifier } = await approveForCode();
      const first = await exchange(t, { code, code_verifier: verifier });
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toContain('no-store');
      const body = (await first.json()) as Record<string, string>;
      expect(Object.keys(body).sort()).toEqual(['password', 'site_url', 'user_login', 'uuid']);
      expect(body).toMatchObject({ site_url: t.config.siteUrl, user_login: 'bob' });
      const introspect = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords/introspect`, { headers: { authorization: basic('bob', body.password) } });
      expect(await introspect.json()).toMatchObject({ uuid: body.uuid, name: 'Coded', app_id: APP_ID });

      const again = await exchange(t, { code, code_verifier: verifier });
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ code: 'invalid_grant', data: { status: 400 } });
    });

    it('refuses a wrong verifier (and the code is then spent)', async () => {
      const { code, verifier } = await approveForCode();
      const wrong = await exchange(t, { code, code_verifier: pkce().verifier });
      expect(wrong.status).toBe(400);
      expect(((await wrong.json()) as { code: string }).code).toBe('invalid_grant');
      expect((await exchange(t, { code, code_verifier: verifier })).status).toBe(400);
    });

    it('expires the code after 60 seconds (clock moved, no sleeping)', async () => {
      const fresh = await approveForCode();
      now += AUTHORIZE_CODE_TTL_MS - 1000;
      expect((await exchange(t, { code: fresh.code, code_verifier: fresh.verifier })).status).toBe(200);
      const late = await approveForCode();
      now += AUTHORIZE_CODE_TTL_MS + 1;
      const response = await exchange(t, { code: late.code, code_verifier: late.verifier });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'invalid_grant', message: 'The authorization code has expired.' });
    });

    it('answers WordPress-style errors for a missing parameter and an unknown code', async () => {
      const missing = await exchange(t, { code: 'x' });
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { code: string }).code).toBe('rest_missing_callback_param');
      const unknown = await exchange(t, { code: randomBytes(32).toString('base64url'), code_verifier: pkce().verifier });
      expect(((await unknown.json()) as { code: string }).code).toBe('invalid_grant');
    });
  });

  it('advertises both forms in the index, keeping WordPress endpoints.authorization', async () => {
    const index = (await (await fetch(`${t.url}/wp-json/`)).json()) as { authentication: Record<string, unknown> };
    expect(index.authentication['application-passwords']).toEqual({
      endpoints: { authorization: `${t.config.siteUrl}${AUTHORIZE}`, exchange: `${t.config.siteUrl}${EXCHANGE}` },
      response_types: ['password', 'code'],
      code_challenge_methods: ['S256'],
    });
  });

  it('refuses two-factor changes from a credential-authenticated request; allows them from the cookie session', async () => {
    const { password } = await t.createAppPassword(bob.user);
    const auth = { authorization: basic('bob', password), 'content-type': 'application/json' };
    const post = await fetch(`${t.url}/wp-json/gatehouse/v1/users/me/two-factor`, { method: 'POST', headers: auth, body: '{}' });
    expect(post.status).toBe(403);
    expect(((await post.json()) as { code: string }).code).toBe('rest_two_factor_requires_login');
    const del = await fetch(`${t.url}/wp-json/gatehouse/v1/users/me/two-factor`, { method: 'DELETE', headers: auth, body: '{"code":"123456"}' });
    expect(del.status).toBe(403);

    const { html } = await browser.page('/wp-admin/profile.php');
    const nonce = /name="gatehouse-rest-nonce" content="([^"]+)"/.exec(html)![1];
    const headers = { 'x-wp-nonce': nonce, 'content-type': 'application/json' };
    const begin = await browser.request('/wp-json/gatehouse/v1/users/me/two-factor', { method: 'POST', headers, body: '{}' });
    expect(begin.status).toBe(200);
    const { secret } = (await begin.json()) as { secret: string };
    const confirm = await browser.request('/wp-json/gatehouse/v1/users/me/two-factor', { method: 'POST', headers, body: JSON.stringify({ code: TwoFactorService.codeAt(secret, new Date(now)) }) });
    expect(confirm.status).toBe(200);
    expect(((await confirm.json()) as { recovery_codes: string[] }).recovery_codes).toHaveLength(10);
    // The secret is stored encrypted, never in the clear.
    const rows: { secret_encrypted: Buffer }[] = await t.dataSource.query(`SELECT secret_encrypted FROM two_factor WHERE user_id = $1`, [bob.user.id]);
    expect(rows[0].secret_encrypted.includes(Buffer.from(secret))).toBe(false);
    // The app password still works without a second factor.
    expect((await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('bob', password) } })).status).toBe(200);
    now += 60_000;
    const off = await browser.request('/wp-json/gatehouse/v1/users/me/two-factor', { method: 'DELETE', headers, body: JSON.stringify({ code: TwoFactorService.codeAt(secret, new Date(now)) }) });
    expect(off.status).toBe(200);
  });
});

describe('authorize application (e2e, HTTP, production environment behind a TLS proxy)', () => {
  let t: TestApp;
  let dana: TestUser;
  let browser: HttpSession;

  beforeAll(async () => {
    t = await createTestApp({ GATEHOUSE_ENV: 'production', GATEHOUSE_TRUST_PROXY: 'true' });
    dana = await t.createUser('author', 'dana');
    browser = new HttpSession(t.url, { 'x-forwarded-proto': 'https' });
    const login = await browser.login('dana', dana.password);
    expect(login.status).toBe(303);
    expect(login.headers.getSetCookie().find((line) => line.startsWith('gatehouse_session='))).toMatch(/; Secure/);
  });
  afterAll(() => t.close());

  it.each([
    [{ success_url: 'http://app.example/cb' }, ['success_url:invalid_redirect_scheme', 'reject_url:invalid_redirect_scheme'].slice(0, 1)],
    // WordPress lets these through (case-sensitive comparison); Gatehouse does not.
    [{ success_url: 'HTTP://app.example/cb' }, ['success_url:invalid_redirect_scheme']],
    [{ success_url: 'Http://app.example/cb', reject_url: 'hTTp://app.example/no' }, ['success_url:invalid_redirect_scheme', 'reject_url:invalid_redirect_scheme']],
    [{ success_url: 'https://app.example/cb', reject_url: 'javascript:alert(1)' }, ['reject_url:invalid_redirect_url_format']],
    [{ success_url: 'data://x/y' }, ['success_url:invalid_redirect_url_format']],
    [{ success_url: 'https://app.example/cb', app_id: '0B8F8E2C-6C1E-4B8E-9D1A-2F5A2A7B9E11' }, ['app_id:invalid_app_id']],
  ])('refuses %j with 400 and every problem', async (params, expected) => {
    const { response, html } = await browser.page(query(params as Record<string, string>));
    expect(response.status).toBe(400);
    expect(problemCodes(html)).toEqual(expected);
  });

  it('accepts https and custom schemes', async () => {
    for (const url of ['https://app.example/cb', 'HTTPS://app.example/cb', 'wordpress://authenticate']) {
      expect((await browser.page(query({ success_url: url }))).response.status).toBe(200);
    }
  });

  it('answers 501 over plain HTTP, as WordPress does when application passwords are unavailable', async () => {
    const plain = new HttpSession(t.url);
    for (const [name, value] of browser.cookies) plain.cookies.set(name, value);
    const { response, html } = await plain.page(query({ success_url: 'https://app.example/cb' }));
    expect(response.status).toBe(501);
    expect(html).toContain('Application passwords are not available.');
  });
});

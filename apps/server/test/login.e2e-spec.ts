import { THROTTLE_WINDOW_MS } from '@gatehouse/authorize-ui';
import { Clock } from '@gatehouse/core';
import { basic, createTestApp, TestApp, TestUser } from './support/test-app';
import { hiddenFields, HttpSession } from './support/http-session';

describe('login, sessions and cookie authentication (e2e, HTTP)', () => {
  let t: TestApp;
  let alice: TestUser;
  let clock: Clock;
  let now: number;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await t.createUser('author', 'alice');
    clock = t.app.get(Clock);
    now = Date.parse('2030-01-01T00:00:00Z');
    clock.now = () => new Date(now);
  });
  afterAll(() => t.close());

  it('serves the login form with page security headers and an HttpOnly pre-session cookie', async () => {
    const browser = new HttpSession(t.url);
    const { response, html } = await browser.page('/wp-login.php');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('set-cookie')).toMatch(/gatehouse_csrf=.*HttpOnly.*SameSite=Lax/i);
    expect(html).toContain('<label for="user_login">');
    expect((await browser.page('/login')).response.status).toBe(200);
  });

  it('logs in: session cookie HttpOnly + SameSite=Lax (not Secure locally), redirect to the profile, principal method cookie', async () => {
    const browser = new HttpSession(t.url);
    const response = await browser.login('alice', alice.password);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/wp-admin/profile.php');
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('gatehouse_session='));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
    const cookie = browser.cookies.get('gatehouse_session')!;
    // Only the keyed hash is stored, never the cookie.
    const rows: { id: string }[] = await t.dataSource.query(`SELECT id FROM sessions WHERE user_id = $1`, [alice.user.id]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.id)).not.toContain(cookie);
    const profile = await browser.page('/wp-admin/profile.php');
    expect(profile.response.status).toBe(200);
    expect(profile.html).toContain('Profile (alice)');
  });

  it('refuses a wrong password and an unknown account with the same message', async () => {
    const browser = new HttpSession(t.url);
    const wrong = await browser.login('alice', 'not-the-password');
    const unknown = await browser.login('nobody-here', 'not-the-password');
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const message = (html: string) => /<div class="notice notice-error" role="alert"><p>([^<]*)<\/p>/.exec(html)?.[1];
    const [a, b] = [message(await wrong.text()), message(await unknown.text())];
    expect(a).toBe('The username, email address or password you entered is incorrect.');
    expect(b).toBe(a);
    expect(browser.cookies.has('gatehouse_session')).toBe(false);
  });

  it('refuses a login POST without the CSRF token, or without the pre-session cookie', async () => {
    const browser = new HttpSession(t.url);
    const { html } = await browser.page('/wp-login.php');
    const fields = hiddenFields(html);
    const forged = await browser.request('/wp-login.php', { form: { ...fields, _wpnonce: 'forged', log: 'alice', pwd: alice.password } });
    expect(forged.status).toBe(403);
    expect(browser.cookies.has('gatehouse_session')).toBe(false);
    const stranger = new HttpSession(t.url);
    const noCookie = await stranger.request('/wp-login.php', { form: { ...fields, log: 'alice', pwd: alice.password } });
    expect(noCookie.status).toBe(400);
    expect(stranger.cookies.has('gatehouse_session')).toBe(false);
  });

  it('only redirects within this site', async () => {
    for (const [target, expected] of [
      ['/wp-admin/authorize-application.php?app_name=x', '/wp-admin/authorize-application.php?app_name=x'],
      ['//evil.example/x', '/wp-admin/profile.php'],
      ['/\\evil.example', '/wp-admin/profile.php'],
      ['https://evil.example/', '/wp-admin/profile.php'],
      ['javascript:alert(1)', '/wp-admin/profile.php'],
    ]) {
      const browser = new HttpSession(t.url);
      const response = await browser.login('alice', alice.password, { redirect_to: target });
      expect(response.headers.get('location')).toBe(expected);
    }
  });

  it('throttles failures per account (429, Retry-After) whether or not it exists, then lets it through after the window', async () => {
    const victim = await t.createUser('subscriber', 'victim');
    for (const login of ['victim', 'ghost-account']) {
      const browser = new HttpSession(t.url, { 'x-test': login });
      for (let attempt = 0; attempt < 5; attempt++) expect((await browser.login(login, 'wrong')).status).toBe(400);
      const refused = await browser.login(login, login === 'victim' ? victim.password : 'wrong');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBe(THROTTLE_WINDOW_MS / 1000);
      expect(await refused.text()).toContain('Too many failed login attempts. Please try again in 15 minutes.');
    }
    // Even the right password waits; the clock moves, not the test.
    now += THROTTLE_WINDOW_MS + 1000;
    const browser = new HttpSession(t.url);
    expect((await browser.login('victim', victim.password)).status).toBe(303);
  });

  it('throttles failures per IP across accounts', async () => {
    now += THROTTLE_WINDOW_MS * 3;
    const browser = new HttpSession(t.url);
    for (let attempt = 0; attempt < 20; attempt++) expect((await browser.login(`spray-${attempt}`, 'wrong')).status).toBe(400);
    const refused = await browser.login('alice', alice.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    now += THROTTLE_WINDOW_MS + 1000;
    expect((await browser.login('alice', alice.password)).status).toBe(303);
  });

  it('authenticates REST with the cookie only with a valid X-WP-Nonce (WordPress CSRF rule)', async () => {
    const browser = new HttpSession(t.url);
    await browser.login('alice', alice.password);
    const { html } = await browser.page('/wp-admin/profile.php');
    const nonce = /name="gatehouse-rest-nonce" content="([^"]+)"/.exec(html)![1];
    const noNonce = await browser.request('/wp-json/wp/v2/users/me');
    expect(noNonce.status).toBe(401);
    const withNonce = await browser.request('/wp-json/wp/v2/users/me', { headers: { 'x-wp-nonce': nonce } });
    expect(withNonce.status).toBe(200);
    expect(((await withNonce.json()) as { id: number }).id).toBe(alice.user.id);
    expect((await browser.request(`/wp-json/wp/v2/users/me?_wpnonce=${nonce}`)).status).toBe(200);
    const badNonce = await browser.request('/wp-json/wp/v2/users/me', { headers: { 'x-wp-nonce': 'abc' } });
    expect(badNonce.status).toBe(403);
    expect(((await badNonce.json()) as { code: string }).code).toBe('rest_cookie_invalid_nonce');
  });

  it('lists sessions, logs out everywhere else, and logs out', async () => {
    const first = new HttpSession(t.url);
    const second = new HttpSession(t.url);
    await first.login('alice', alice.password);
    await second.login('alice', alice.password);
    const { html } = await first.page('/wp-admin/profile.php');
    expect(html).toContain('(this browser)');
    const forms = [...html.matchAll(/name="_wpnonce" value="([^"]+)"><input type="hidden" name="action" value="logout-others"/g)];
    expect(forms.length).toBe(1);
    // Without the token: refused.
    expect((await first.request('/wp-admin/profile.php', { form: { action: 'logout-others', _wpnonce: 'x' } })).status).toBe(403);
    expect((await second.page('/wp-admin/profile.php')).response.status).toBe(200);
    const done = await first.request('/wp-admin/profile.php', { form: { action: 'logout-others', _wpnonce: forms[0][1] } });
    expect(done.status).toBe(303);
    expect((await second.page('/wp-admin/profile.php')).response.status).toBe(302);
    expect((await first.page('/wp-admin/profile.php')).response.status).toBe(200);

    const logoutToken = /action="\/wp-login.php\?action=logout"><input type="hidden" name="_wpnonce" value="([^"]+)"/.exec(html)![1];
    const out = await first.request('/wp-login.php?action=logout', { form: { _wpnonce: logoutToken } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/wp-login.php?loggedout=true');
    expect((await first.page('/wp-admin/profile.php')).response.status).toBe(302);
  });

  it('shows no page to a request authenticated by an application password', async () => {
    const { password } = await t.createAppPassword(alice.user);
    const response = await fetch(`${t.url}/wp-admin/profile.php`, { headers: { authorization: basic('alice', password) } });
    expect(response.status).toBe(403);
    const post = await fetch(`${t.url}/wp-admin/profile.php`, { method: 'POST', headers: { authorization: basic('alice', password), 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=two-factor-begin' });
    expect(post.status).toBe(403);
  });
});

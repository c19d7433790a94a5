import { TwoFactorService } from '@gatehouse/authorize-ui';
import { Clock } from '@gatehouse/core';
import { createHash, randomBytes } from 'node:crypto';
import type { Page, Request } from 'playwright-core';
import { launchBrowser, screenshot } from './support/browser';
import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

const APP_ID = '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11';
const CALLBACK = 'https://app.example/callback';

/** Pages in a real browser: login, two-factor, the authorize flow in all its forms, the profile. */
describe('authorize-ui in Chromium (e2e, browser)', () => {
  let t: TestApp;
  let erin: TestUser;
  let now: number;

  beforeAll(async () => {
    t = await createTestApp();
    erin = await t.createUser('editor', 'erin');
    now = Date.parse('2031-03-01T09:00:00Z');
    t.app.get(Clock).now = () => new Date(now);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A fresh browser profile per page, so each flow has its own cookies. */
  async function freshPage(javaScriptEnabled = true): Promise<{ page: Page; done(): Promise<void> }> {
    const own = await launchBrowser({ javaScriptEnabled });
    const page = own.context.pages()[0] ?? (await own.context.newPage());
    return { page, done: () => own.close() };
  }

  async function logIn(page: Page, login: string, password: string, code?: string): Promise<void> {
    await page.goto(`${t.url}/wp-login.php`);
    await page.getByLabel('Username or Email Address').fill(login);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log In' }).click();
    if (code !== undefined) {
      await page.getByLabel('Authentication code').fill(code);
      await page.getByRole('button', { name: 'Log In' }).click();
    }
    await page.waitForURL(/\/wp-admin\//);
  }

  it('logs in with the keyboard alone and lands on the profile', async () => {
    const { page, done } = await freshPage();
    try {
      await page.goto(`${t.url}/wp-login.php`);
      await screenshot(page, '01-login');
      // Focus starts in the username field; Tab order: username → password → remember me → submit.
      await page.keyboard.type('erin');
      await page.keyboard.press('Tab');
      await page.keyboard.type(erin.password);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${t.url}/wp-admin/profile.php`);
      await expectText(page, 'h1', 'Profile');
      await screenshot(page, '02-profile');
      const cookies = await page.context().cookies();
      const session = cookies.find((cookie) => cookie.name === 'gatehouse_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    } finally {
      await done();
    }
  });

  it('shows the same refusal for a bad password', async () => {
    const { page, done } = await freshPage();
    try {
      await page.goto(`${t.url}/wp-login.php`);
      await page.getByLabel('Username or Email Address').fill('erin');
      await page.getByLabel('Password').fill('wrong password');
      await page.getByRole('button', { name: 'Log In' }).click();
      await expectText(page, '[role=alert]', 'The username, email address or password you entered is incorrect.');
      await screenshot(page, '03-login-error');
    } finally {
      await done();
    }
  });

  it('enrols two-factor from the profile, then logs in with a code and with a recovery code (each once)', async () => {
    const frank = await t.createUser('author', 'frank');
    const { page, done } = await freshPage();
    let recoveryCodes: string[] = [];
    let secret = '';
    try {
      await logIn(page, 'frank', frank.password);
      await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
      await page.waitForURL(/two-factor=setup/);
      const qr = await page.locator('#two-factor-qr').getAttribute('src');
      expect(qr).toMatch(/^data:image\/png;base64,/);
      // The QR image really rendered under the CSP (img-src data:).
      expect(await page.locator('#two-factor-qr').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
      secret = await page.getByLabel('Key').inputValue();
      await screenshot(page, '04-two-factor-setup');
      await page.getByLabel('Enter the six-digit code the app shows').fill('000000');
      await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
      await expectText(page, '[role=alert]', 'That code is not valid');
      await page.getByLabel('Enter the six-digit code the app shows').fill(TwoFactorService.codeAt(secret, new Date(now)));
      await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
      await expectText(page, 'h1', 'Recovery Codes');
      recoveryCodes = await page.locator('#recovery-codes code').allTextContents();
      expect(recoveryCodes).toHaveLength(10);
      expect(new Set(recoveryCodes).size).toBe(10);
      await screenshot(page, '05-recovery-codes');
    } finally {
      await done();
    }

    // The same code (still inside its window) cannot log in again: replay.
    now += 1000;
    const replay = await freshPage();
    try {
      await replay.page.goto(`${t.url}/wp-login.php`);
      await replay.page.getByLabel('Username or Email Address').fill('frank');
      await replay.page.getByLabel('Password').fill(frank.password);
      await replay.page.getByRole('button', { name: 'Log In' }).click();
      await expectText(replay.page, 'h1', 'Two-Factor Authentication');
      await screenshot(replay.page, '06-two-factor-login');
      await replay.page.getByLabel('Authentication code').fill(TwoFactorService.codeAt(secret, new Date(now)));
      await replay.page.getByRole('button', { name: 'Log In' }).click();
      await expectText(replay.page, '[role=alert]', 'The authentication code is not valid (or was already used).');
    } finally {
      await replay.done();
    }

    now += 30_000;
    const withCode = await freshPage();
    try {
      await logIn(withCode.page, 'frank', frank.password, TwoFactorService.codeAt(secret, new Date(now)));
      await expectText(withCode.page, '#two-factor-status', 'Two-factor authentication is on. Recovery codes left: 10.');
    } finally {
      await withCode.done();
    }

    const withRecovery = await freshPage();
    try {
      await logIn(withRecovery.page, 'frank', frank.password, recoveryCodes[0].toUpperCase());
      await expectText(withRecovery.page, '#two-factor-status', 'Recovery codes left: 9.');
    } finally {
      await withRecovery.done();
    }

    const reused = await freshPage();
    try {
      await reused.page.goto(`${t.url}/wp-login.php`);
      await reused.page.getByLabel('Username or Email Address').fill('frank');
      await reused.page.getByLabel('Password').fill(frank.password);
      await reused.page.getByRole('button', { name: 'Log In' }).click();
      await reused.page.getByLabel('Authentication code').fill(recoveryCodes[0]);
      await reused.page.getByRole('button', { name: 'Log In' }).click();
      await expectText(reused.page, '[role=alert]', 'not valid');
    } finally {
      await reused.done();
    }

    // Application passwords are not affected by two-factor.
    const { password } = await t.createAppPassword(frank.user);
    expect((await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('frank', password) } })).status).toBe(200);
  });

  it('authorizes to an https callback (the external navigation is intercepted, no network)', async () => {
    const { page, done } = await freshPage();
    try {
      await logIn(page, 'erin', erin.password);
      let landed: URL | undefined;
      await page.route('https://app.example/**', async (route) => {
        landed = new URL(route.request().url());
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>App</title><h1>Connected</h1>' });
      });
      await page.goto(`${t.url}/wp-admin/authorize-application.php?app_name=${encodeURIComponent('Phone App')}&app_id=${APP_ID}&success_url=${encodeURIComponent(CALLBACK)}&state=s-1`);
      await expectText(page, 'h1', 'Authorize Application');
      await expectText(page, '#description-approve', `You will be sent to ${CALLBACK}?site_url=`);
      await screenshot(page, '07-authorize');
      await page.getByRole('button', { name: 'Yes, I approve of this connection' }).click();
      await page.waitForURL((url) => url.origin === 'https://app.example');
      expect(landed?.origin + landed!.pathname).toBe(CALLBACK);
      expect(landed!.searchParams.get('user_login')).toBe('erin');
      expect(landed!.searchParams.get('site_url')).toBe(t.config.siteUrl);
      expect(landed!.searchParams.get('state')).toBe('s-1');
      const password = landed!.searchParams.get('password')!;
      expect((await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('erin', password) } })).status).toBe(200);
    } finally {
      await done();
    }
  });

  it.each([true, false])('authorizes to a custom scheme (wordpress://authenticate) with JavaScript %s', async (javaScriptEnabled) => {
    const { page, done } = await freshPage(javaScriptEnabled);
    try {
      await logIn(page, 'erin', erin.password);
      const attempted = new Promise<Request>((resolve) => {
        page.on('request', (request) => {
          if (request.url().startsWith('wordpress://')) resolve(request);
        });
      });
      await page.goto(`${t.url}/wp-admin/authorize-application.php?app_name=WP%20Mobile&success_url=${encodeURIComponent('wordpress://authenticate')}`);
      if (!javaScriptEnabled) await screenshot(page, '08-authorize-custom-scheme-no-js');
      await page.getByRole('button', { name: 'Yes, I approve of this connection' }).click();
      const url = new URL((await attempted).url());
      expect(url.protocol).toBe('wordpress:');
      expect(url.host).toBe('authenticate');
      expect(url.searchParams.get('user_login')).toBe('erin');
      expect((await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('erin', url.searchParams.get('password')!) } })).status).toBe(200);
    } finally {
      await done();
    }
  });

  it('authorizes with no callback: the password is shown once, with a copy button', async () => {
    const { page, done } = await freshPage();
    try {
      await logIn(page, 'erin', erin.password);
      await page.goto(`${t.url}/wp-admin/authorize-application.php?app_name=CLI%20tool`);
      await expectText(page, '#description-approve', 'You will be given a password to manually enter');
      const response = page.waitForResponse((r) => r.url().endsWith('/wp-admin/authorize-application.php') && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Yes, I approve of this connection' }).click();
      expect((await response).headers()['cache-control']).toContain('no-store');
      const password = await page.getByLabel('Your new password for CLI tool is:').inputValue();
      expect(password).toMatch(/^([A-Za-z0-9]{4} ){5}[A-Za-z0-9]{4}$/);
      await expect(page.getByRole('button', { name: 'Copy' }).isVisible()).resolves.toBe(true);
      await screenshot(page, '09-authorize-password-shown');
      expect((await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('erin', password) } })).status).toBe(200);
      // Shown once: back on the profile it is listed without the secret.
      await page.goto(`${t.url}/wp-admin/profile.php`);
      expect(await page.content()).not.toContain(password);
    } finally {
      await done();
    }
  });

  it('rejects: goes to reject_url with the state, creates nothing', async () => {
    const { page, done } = await freshPage();
    try {
      await logIn(page, 'erin', erin.password);
      const before = await countGrants(erin.user.id);
      let landed: URL | undefined;
      await page.route('https://app.example/**', async (route) => {
        landed = new URL(route.request().url());
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>App</title>' });
      });
      await page.goto(`${t.url}/wp-admin/authorize-application.php?app_name=Nope&success_url=${encodeURIComponent(CALLBACK)}&state=r-9`);
      await page.getByRole('button', { name: 'No, I do not approve of this connection' }).click();
      await page.waitForURL((url) => url.origin === 'https://app.example');
      expect(landed?.toString()).toBe(`${CALLBACK}?success=false&state=r-9`);
      expect(await countGrants(erin.user.id)).toBe(before);
    } finally {
      await done();
    }
  });

  it('code + PKCE: the callback gets a code, the app exchanges it once for the password', async () => {
    const { page, done } = await freshPage();
    try {
      await logIn(page, 'erin', erin.password);
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      let landed: URL | undefined;
      await page.route('https://app.example/**', async (route) => {
        landed = new URL(route.request().url());
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>App</title>' });
      });
      await page.goto(`${t.url}/wp-admin/authorize-application.php?app_name=PKCE%20App&app_id=${APP_ID}&success_url=${encodeURIComponent(CALLBACK)}&response_type=code&code_challenge=${challenge}&code_challenge_method=S256&state=p-2`);
      await screenshot(page, '10-authorize-code');
      await page.getByRole('button', { name: 'Yes, I approve of this connection' }).click();
      await page.waitForURL((url) => url.origin === 'https://app.example');
      expect(landed!.searchParams.get('password')).toBeNull();
      expect(landed!.searchParams.get('state')).toBe('p-2');
      const code = landed!.searchParams.get('code')!;
      const exchange = () => fetch(`${t.url}/wp-json/gatehouse/v1/authorize/exchange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, code_verifier: verifier }) });
      const first = await exchange();
      expect(first.status).toBe(200);
      const body = (await first.json()) as { password: string; user_login: string; uuid: string };
      expect(body.user_login).toBe('erin');
      expect((await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('erin', body.password) } })).status).toBe(200);
      const second = await exchange();
      expect(second.status).toBe(400);
      expect(((await second.json()) as { code: string }).code).toBe('invalid_grant');
    } finally {
      await done();
    }
  });

  it('shows an invalid request as a 400 page listing every problem', async () => {
    const { page, done } = await freshPage();
    try {
      await logIn(page, 'erin', erin.password);
      const response = await page.goto(`${t.url}/wp-admin/authorize-application.php?success_url=javascript:alert(1)&reject_url=nohost&app_id=nope`);
      expect(response?.status()).toBe(400);
      expect(await page.locator('#problems li').count()).toBe(3);
      await screenshot(page, '11-authorize-invalid');
    } finally {
      await done();
    }
  });

  it('creates and revokes application passwords on the profile page; a revoked one is refused by the API', async () => {
    const gina = await t.createUser('author', 'gina');
    const { page, done } = await freshPage();
    try {
      await logIn(page, 'gina', gina.password);
      const created: string[] = [];
      for (const name of ['Laptop', 'Phone', 'Tablet']) {
        await page.getByLabel('New Application Password Name').fill(name);
        await page.getByRole('button', { name: 'Add New Application Password' }).click();
        created.push(await page.getByLabel(`Your new password for ${name} is:`).inputValue());
        if (name === 'Laptop') await screenshot(page, '12-profile-new-password');
        await page.getByRole('link', { name: 'Back to your profile' }).click();
      }
      const api = (password: string) => fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('gina', password) } }).then((r) => r.status);
      for (const password of created) expect(await api(password)).toBe(200);
      await expect(page.locator('#app-passwords tbody tr').count()).resolves.toBe(3);
      await screenshot(page, '13-profile-with-passwords');

      // Revoke one, confirmed on its own page.
      await page.getByRole('link', { name: 'Revoke “Laptop”' }).click();
      await expectText(page, '#confirm-question', 'Revoke the application password Laptop?');
      await screenshot(page, '14-confirm-revoke');
      await page.getByRole('button', { name: 'Yes, revoke it' }).click();
      await expectText(page, '[role=status]', 'The application password was revoked.');
      expect(await api(created[0])).toBe(401);
      expect(await api(created[1])).toBe(200);

      // Cancel leaves everything in place; then revoke all.
      await page.getByRole('link', { name: 'Revoke all application passwords' }).click();
      await page.getByRole('link', { name: 'Cancel' }).click();
      expect(await api(created[1])).toBe(200);
      await page.getByRole('link', { name: 'Revoke all application passwords' }).click();
      await page.getByRole('button', { name: 'Yes, revoke all' }).click();
      await expectText(page, '#no-app-passwords', 'You have no application passwords.');
      expect(await api(created[1])).toBe(401);
      expect(await api(created[2])).toBe(401);
    } finally {
      await done();
    }
  });

  it('logs out everywhere else from the profile', async () => {
    const first = await freshPage();
    const second = await freshPage();
    try {
      await logIn(first.page, 'erin', erin.password);
      await logIn(second.page, 'erin', erin.password);
      await first.page.reload();
      await first.page.getByRole('button', { name: 'Log Out Everywhere Else' }).click();
      await expectText(first.page, '[role=status]', 'You were logged out everywhere else.');
      await second.page.goto(`${t.url}/wp-admin/profile.php`);
      await second.page.waitForURL(/wp-login\.php/);
      await first.page.getByRole('button', { name: 'Log out' }).click();
      await expectText(first.page, '[role=status]', 'You are now logged out.');
    } finally {
      await first.done();
      await second.done();
    }
  });

  async function countGrants(userId: number): Promise<number> {
    const rows: { count: string }[] = await t.dataSource.query(`SELECT count(*) FROM grants WHERE user_id = $1`, [userId]);
    return Number(rows[0].count);
  }
});

async function expectText(page: Page, selector: string, text: string): Promise<void> {
  const locator = page.locator(selector).filter({ hasText: text }).first();
  await locator.waitFor({ state: 'visible', timeout: 10_000 });
  expect((await locator.textContent())?.replace(/\s+/g, ' ')).toContain(text);
}

import { Clock } from '@gatehouse/core';
import { SigningKeysService } from '@gatehouse/tokens';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, exportSPKI, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

// Response bodies are checked field by field against literal expectations.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Issued {
  access_token: string;
  token_type: string;
  exp: number;
  refresh_token: string;
  data: { user: { id: number; type: string; user_login: string; user_email: string; api_key: string } };
}

describe('tokens: JWT access and refresh tokens (e2e)', () => {
  let t: TestApp;
  let owner: TestUser;
  let password: { uuid: string; password: string };
  let keys: SigningKeysService;
  let clock: Clock;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await t.createUser('editor', 'tokenowner');
    password = await t.createAppPassword(owner.user, 'mobile app');
    keys = t.app.get(SigningKeysService);
    clock = t.app.get(Clock);
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const tokenUrl = () => `${t.url}/wp-json/wp/v2/token`;
  const postJson = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const postForm = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body).toString() });
  const issue = async (credential = password): Promise<Issued> => {
    const response = await postJson({ api_key: credential.uuid, api_secret: credential.password });
    expect(response.status).toBe(200);
    return (await response.json()) as Issued;
  };
  const refresh = (refreshToken: string) => postJson({ refresh_token: refreshToken });
  const get = (path: string, authorization?: string) => fetch(t.url + path, { headers: authorization ? { authorization } : {} });
  const me = (accessToken: string) => get('/wp-json/wp/v2/users/me', `Bearer ${accessToken}`);
  const later = (seconds: number) => jest.spyOn(clock, 'now').mockReturnValue(new Date(Date.now() + seconds * 1000));

  async function expectBearerFailure(response: Response, code: string): Promise<void> {
    const body: Json = await response.json();
    expect({ status: response.status, code: body.code }).toEqual({ status: 401, code });
    expect(body.data).toEqual({ status: 401 });
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  }

  async function expectTokenRefusal(response: Response, code: string): Promise<void> {
    const body: Json = await response.json();
    expect({ status: response.status, code: body.code }).toEqual({ status: 403, code });
    expect(body.data).toEqual({ status: 403 });
  }

  /** Claims as the server makes them, to forge variants signed with the server's own key. */
  async function claimsOf(accessToken: string): Promise<Record<string, unknown>> {
    return { ...decodeJwt(accessToken) };
  }

  describe('issuing', () => {
    it('exchanges api_key + api_secret (JSON) for an access and a refresh token, with the jwt-auth body', async () => {
      const response = await postJson({ api_key: password.uuid, api_secret: password.password });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as Issued;
      expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'exp', 'refresh_token', 'data']);
      expect(body).toMatchObject({ token_type: 'Bearer', exp: 3600 });
      expect(body.data).toEqual({
        user: { id: owner.user.id, type: 'wp_user', user_login: 'tokenowner', user_email: 'tokenowner@example.test', api_key: password.uuid },
      });
      expect(body.refresh_token).toMatch(/^ghr_[A-Za-z0-9_-]{43}$/);

      const header = decodeProtectedHeader(body.access_token);
      expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT', kid: keys.activeKid });
      const claims = decodeJwt(body.access_token);
      expect(claims).toMatchObject({
        iss: t.config.siteUrl,
        aud: `${t.config.siteUrl}/wp-json`,
        sub: String(owner.user.id),
        api_key: password.uuid,
        data: { user: body.data.user },
      });
      expect(claims.exp! - claims.iat!).toBe(3600);
      expect(claims.nbf).toBe(claims.iat);
      expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
      expect(claims.fam).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('accepts a form body and the secret without its spaces', async () => {
      const response = await postForm({ api_key: password.uuid, api_secret: password.password.replace(/ /g, '') });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Issued;
      expect(body.data.user.api_key).toBe(password.uuid);
      expect((await me(body.access_token)).status).toBe(200);
    });

    it('accepts HTTP Basic user:application-password', async () => {
      const response = await fetch(tokenUrl(), { method: 'POST', headers: { authorization: basic('tokenowner', password.password) } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Issued;
      expect(body.data.user.api_key).toBe(password.uuid);
      expect((await me(body.access_token)).status).toBe(200);
    });

    it('refuses a login name and login password: an API key-pair is required', async () => {
      const viaBasic = await fetch(tokenUrl(), { method: 'POST', headers: { authorization: basic('tokenowner', owner.password) } });
      const body: Json = await viaBasic.clone().json();
      expect(body.message).toBe('An API key-pair is required to generate a token.');
      await expectTokenRefusal(viaBasic, 'rest_authentication_required_api_key_secret');
      await expectTokenRefusal(await postJson({ username: 'tokenowner', password: owner.password }), 'rest_authentication_required_api_key_secret');
      await expectTokenRefusal(await postJson({}), 'rest_authentication_required_api_key_secret');
      await expectTokenRefusal(await postJson({ api_key: password.uuid }), 'rest_authentication_required_api_key_secret');
    });

    it('refuses a wrong secret or an unknown key', async () => {
      const other = await t.createAppPassword(owner.user, 'other');
      await expectTokenRefusal(await postJson({ api_key: password.uuid, api_secret: 'aaaa bbbb cccc dddd eeee ffff' }), 'rest_authentication_invalid_api_key_secret');
      await expectTokenRefusal(await postJson({ api_key: password.uuid, api_secret: owner.password }), 'rest_authentication_invalid_api_key_secret');
      // Another of the same user's passwords does not unlock this key.
      await expectTokenRefusal(await postJson({ api_key: password.uuid, api_secret: other.password }), 'rest_authentication_invalid_api_key_secret');
      await expectTokenRefusal(await postJson({ api_key: '00000000-0000-4000-8000-000000000000', api_secret: password.password }), 'rest_authentication_invalid_api_key_secret');
      await expectTokenRefusal(await postJson({ api_key: 'not-a-uuid', api_secret: password.password }), 'rest_authentication_invalid_api_key_secret');
      const basicWrong = await fetch(tokenUrl(), { method: 'POST', headers: { authorization: basic('tokenowner', 'aaaa bbbb cccc dddd eeee ffff') } });
      await expectTokenRefusal(basicWrong, 'rest_authentication_invalid_api_key_secret');
    });

    it('refuses a revoked key', async () => {
      const revoked = await t.createAppPassword(owner.user, 'revoked');
      await t.appPasswords.revoke(revoked.uuid);
      await expectTokenRefusal(await postJson({ api_key: revoked.uuid, api_secret: revoked.password }), 'rest_authentication_revoked_api_key');
    });
  });

  describe('bearer access tokens', () => {
    it('authenticate as the application password they came from: same user, same grant', async () => {
      const { access_token } = await issue();
      const response = await me(access_token);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: owner.user.id, slug: 'tokenowner' });
      const introspect = await get('/wp-json/wp/v2/users/me/application-passwords/introspect', `Bearer ${access_token}`);
      expect(introspect.status).toBe(200);
      expect(await introspect.json()).toMatchObject({ uuid: password.uuid, name: 'mobile app' });
    });

    it('validate answers with the seconds left', async () => {
      const { access_token } = await issue();
      const response = await get('/wp-json/wp/v2/token/validate', `Bearer ${access_token}`);
      expect(response.status).toBe(200);
      const body: Json = await response.json();
      expect(Object.keys(body)).toEqual(['code', 'message', 'data']);
      expect(body).toMatchObject({ code: 'rest_authentication_valid_access_token', message: 'Valid access token.', data: { status: 200 } });
      expect(body.data.exp).toBeGreaterThan(3590);
      expect(body.data.exp).toBeLessThanOrEqual(3600);

      later(1800);
      expect(((await (await get('/wp-json/wp/v2/token/validate', `Bearer ${access_token}`)).json()) as Json).data.exp).toBeLessThanOrEqual(1800);
    });

    it('validate without a bearer token: 401 rest_authentication_no_token', async () => {
      await expectBearerFailure(await get('/wp-json/wp/v2/token/validate'), 'rest_authentication_no_token');
      await expectBearerFailure(await get('/wp-json/wp/v2/token/validate', basic('tokenowner', password.password)), 'rest_authentication_no_token');
      await expectBearerFailure(await get('/wp-json/wp/v2/users/me', 'Bearer'), 'rest_authentication_no_token');
    });

    it('refuses malformed and tampered tokens', async () => {
      await expectBearerFailure(await me('abc'), 'rest_authentication_token_error');
      await expectBearerFailure(await me('a.b.c'), 'rest_authentication_token_error');
      const { access_token } = await issue();
      const [head, payload, signature] = access_token.split('.');
      const tampered = Buffer.from(JSON.stringify({ ...decodeJwt(access_token), sub: String(owner.user.id + 100) })).toString('base64url');
      await expectBearerFailure(await me(`${head}.${tampered}.${signature}`), 'rest_authentication_token_error');
      const flipped = Buffer.from(signature, 'base64url');
      flipped[10] ^= 0xff;
      await expectBearerFailure(await me(`${head}.${payload}.${flipped.toString('base64url')}`), 'rest_authentication_token_error');
    });

    it('refuses a token signed by another key, whether it names our kid or its own', async () => {
      const claims = await claimsOf((await issue()).access_token);
      const { privateKey } = await generateKeyPair('ES256');
      for (const kid of [keys.activeKid!, 'someone-elses-key']) {
        const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid }).sign(privateKey);
        await expectBearerFailure(await me(forged), 'rest_authentication_token_error');
      }
    });

    it('refuses alg "none"', async () => {
      const claims = await claimsOf((await issue()).access_token);
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: keys.activeKid })).toString('base64url');
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      await expectBearerFailure(await me(`${header}.${payload}.`), 'rest_authentication_token_error');
      await expectBearerFailure(await me(`${header}.${payload}`), 'rest_authentication_token_error');
    });

    it('refuses HS256 signed with the public key as the HMAC secret', async () => {
      const claims = await claimsOf((await issue()).access_token);
      const jwks = (await (await get('/wp-json/gatehouse/v1/jwks')).json()) as { keys: (JWK & { kid: string })[] };
      const publicJwk = jwks.keys.find((key) => key.kid === keys.activeKid)!;
      const pem = await exportSPKI((await importJWK(publicJwk, 'ES256', { extractable: true })) as Parameters<typeof exportSPKI>[0]);
      for (const secret of [pem, JSON.stringify(publicJwk)]) {
        const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: keys.activeKid }).sign(new TextEncoder().encode(secret));
        await expectBearerFailure(await me(forged), 'rest_authentication_token_error');
      }
    });

    it('refuses a token whose nbf is in the future (beyond the 30 s leeway)', async () => {
      const claims = await claimsOf((await issue()).access_token);
      const now = Math.floor(Date.now() / 1000);
      await expectBearerFailure(await me(await keys.sign({ ...claims, nbf: now + 600 })), 'rest_authentication_token_error');
      expect((await me(await keys.sign({ ...claims, nbf: now + 10 }))).status).toBe(200);
    });

    it('refuses an expired token, after the 30 s leeway, by the injected clock', async () => {
      const { access_token } = await issue();
      later(3600 + 10);
      expect((await me(access_token)).status).toBe(200);
      later(3600 + 31);
      await expectBearerFailure(await me(access_token), 'rest_authentication_token_expired');
    });

    it('refuses a foreign issuer, and a token for another audience', async () => {
      const claims = await claimsOf((await issue()).access_token);
      await expectBearerFailure(await me(await keys.sign({ ...claims, iss: 'https://elsewhere.example' })), 'rest_authentication_invalid_token_issuer');
      await expectBearerFailure(await me(await keys.sign({ ...claims, aud: 'https://elsewhere.example/api' })), 'rest_authentication_token_error');
    });

    it('reloads the user: a role change applies to tokens already issued', async () => {
      const person = await t.createUser('editor');
      const credential = await t.createAppPassword(person.user);
      const { access_token } = await issue(credential);
      const before: Json = await (await get('/wp-json/wp/v2/users/me?context=edit', `Bearer ${access_token}`)).json();
      expect(before.roles).toEqual(['editor']);
      await t.users.setRole(person.user.id, 'subscriber');
      const after: Json = await (await get('/wp-json/wp/v2/users/me?context=edit', `Bearer ${access_token}`)).json();
      expect(after.roles).toEqual(['subscriber']);
    });
  });

  describe('refresh tokens', () => {
    it('rotate: a refresh token gives a new pair and is used up', async () => {
      const first = await issue();
      const response = await refresh(first.refresh_token);
      expect(response.status).toBe(200);
      const second = (await response.json()) as Issued;
      expect(second).toMatchObject({ token_type: 'Bearer', exp: 3600, data: first.data });
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(decodeJwt(second.access_token).fam).toBe(decodeJwt(first.access_token).fam);
      expect((await me(second.access_token)).status).toBe(200);
      const form = await postForm({ refresh_token: second.refresh_token });
      expect(form.status).toBe(200);
    });

    it('reuse of a retired refresh token revokes its whole family, newest tokens included', async () => {
      const bystander = await issue();
      const first = await issue();
      const second = (await (await refresh(first.refresh_token)).json()) as Issued;
      const third = (await (await refresh(second.refresh_token)).json()) as Issued;
      expect((await me(third.access_token)).status).toBe(200);

      await expectTokenRefusal(await refresh(first.refresh_token), 'rest_authentication_invalid_refresh_token');

      await expectBearerFailure(await me(third.access_token), 'rest_authentication_token_error');
      await expectBearerFailure(await me(second.access_token), 'rest_authentication_token_error');
      await expectBearerFailure(await me(first.access_token), 'rest_authentication_token_error');
      await expectTokenRefusal(await refresh(third.refresh_token), 'rest_authentication_invalid_refresh_token');
      // Another family of the same application password is not touched.
      expect((await me(bystander.access_token)).status).toBe(200);
      expect((await refresh(bystander.refresh_token)).status).toBe(200);
    });

    it('two concurrent uses of one refresh token cannot both succeed', async () => {
      const { refresh_token } = await issue();
      const responses = await Promise.all([refresh(refresh_token), refresh(refresh_token), refresh(refresh_token)]);
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([200, 403, 403]);
      await Promise.all(responses.map((response) => response.arrayBuffer()));
    });

    it('expires after 30 days without use; each use renews it', async () => {
      const { refresh_token } = await issue();
      later(29 * 86400);
      const renewed = (await (await refresh(refresh_token)).json()) as Issued;
      expect(renewed.refresh_token).toMatch(/^ghr_/);
      later(29 * 86400 + 29 * 86400);
      expect((await refresh(renewed.refresh_token)).status).toBe(200);

      jest.restoreAllMocks();
      const idle = await issue();
      later(30 * 86400 + 60);
      await expectTokenRefusal(await refresh(idle.refresh_token), 'rest_authentication_invalid_refresh_token');
    });

    it('type confusion: a refresh token is no bearer token, an access token no refresh token', async () => {
      const pair = await issue();
      await expectBearerFailure(await me(pair.refresh_token), 'rest_authentication_invalid_token_type');
      await expectTokenRefusal(await refresh(pair.access_token), 'rest_authentication_invalid_token_type');
      await expectTokenRefusal(await refresh('ghr_nonsense'), 'rest_authentication_invalid_refresh_token');
      await expectTokenRefusal(await refresh(`ghr_${'A'.repeat(43)}`), 'rest_authentication_invalid_refresh_token');
      // Neither confusion used anything up.
      expect((await me(pair.access_token)).status).toBe(200);
      expect((await refresh(pair.refresh_token)).status).toBe(200);
    });
  });

  it('revoking the application password kills its access and refresh tokens on the very next request', async () => {
    const credential = await t.createAppPassword(owner.user, 'to revoke');
    const manager = await t.createAppPassword(owner.user, 'manager');
    const pair = await issue(credential);
    const rotated = (await (await refresh(pair.refresh_token)).json()) as Issued;
    // Cached as active.
    expect((await me(rotated.access_token)).status).toBe(200);
    expect((await me(pair.access_token)).status).toBe(200);

    const deleted = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords/${credential.uuid}`, {
      method: 'DELETE',
      headers: { authorization: basic('tokenowner', manager.password) },
    });
    expect(deleted.status).toBe(200);

    await expectBearerFailure(await me(rotated.access_token), 'rest_authentication_revoked_api_key');
    await expectBearerFailure(await me(pair.access_token), 'rest_authentication_revoked_api_key');
    await expectTokenRefusal(await refresh(rotated.refresh_token), 'rest_authentication_revoked_api_key');
  });

  describe('signing keys and JWKS', () => {
    it('an outside service verifies access tokens with jose against the published JWKS', async () => {
      const { access_token } = await issue();
      const jwks = createRemoteJWKSet(new URL(`${t.url}/wp-json/gatehouse/v1/jwks`));
      const { payload, protectedHeader } = await jwtVerify(access_token, jwks, {
        issuer: t.config.siteUrl,
        audience: `${t.config.siteUrl}/wp-json`,
        algorithms: ['ES256'],
      });
      expect(payload.sub).toBe(String(owner.user.id));
      expect(protectedHeader.kid).toBe(keys.activeKid);

      const wellKnown = await fetch(`${t.url}/.well-known/jwks.json`);
      expect(wellKnown.status).toBe(200);
      const document: Json = await wellKnown.json();
      expect(document).toEqual(await (await get('/wp-json/gatehouse/v1/jwks')).json());
      for (const key of document.keys) {
        expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
        expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      }
      await expect(jwtVerify(access_token, createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`)), { issuer: t.config.siteUrl })).resolves.toBeDefined();
    });

    it('rotation: new tokens use the new key, old tokens stay valid, both keys published until the old ones expire', async () => {
      const before = await issue();
      const oldKid = keys.activeKid!;
      const { kid, retired } = await keys.rotate();
      expect(retired).toEqual([oldKid]);
      expect(kid).not.toBe(oldKid);
      const after = await issue();
      expect(decodeProtectedHeader(after.access_token).kid).toBe(kid);

      expect((await me(before.access_token)).status).toBe(200);
      expect((await me(after.access_token)).status).toBe(200);
      const kids = (((await (await get('/wp-json/gatehouse/v1/jwks')).json()) as Json).keys as { kid: string }[]).map((key) => key.kid);
      expect(kids).toEqual(expect.arrayContaining([oldKid, kid]));
      const jwks = createRemoteJWKSet(new URL(`${t.url}/wp-json/gatehouse/v1/jwks`));
      await expect(jwtVerify(before.access_token, jwks)).resolves.toBeDefined();
      await expect(jwtVerify(after.access_token, jwks)).resolves.toBeDefined();

      // Once every token the old key signed has expired, it is withdrawn.
      later(keys.retentionSeconds + 1);
      const laterKids = (((await (await get('/wp-json/gatehouse/v1/jwks')).json()) as Json).keys as { kid: string }[]).map((key) => key.kid);
      expect(laterKids).toEqual([kid]);
    });

    it('stores the private key only encrypted, and concurrent first starts create one key', async () => {
      const rows: { kid: string; private_key_encrypted: Buffer }[] = await t.dataSource.query(`SELECT kid, private_key_encrypted FROM signing_keys`);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const text = row.private_key_encrypted.toString('latin1');
        expect(text).not.toContain('"d"');
        expect(text).not.toContain('"kty"');
      }
      await t.dataSource.query(`UPDATE signing_keys SET retired_at = now(), expires_at = now() + interval '1 hour' WHERE retired_at IS NULL`);
      await Promise.all([keys.ensureActiveKey(), keys.ensureActiveKey(), keys.ensureActiveKey(), keys.ensureActiveKey()]);
      const active: unknown[] = await t.dataSource.query(`SELECT kid FROM signing_keys WHERE retired_at IS NULL`);
      expect(active).toHaveLength(1);
      await keys.reload();
      expect((await me((await issue()).access_token)).status).toBe(200);
    });
  });

  it('the index advertises jwt with its endpoints', async () => {
    const index: Json = await (await get('/wp-json/')).json();
    expect(index.authentication.jwt).toEqual({
      endpoints: {
        token: `${t.config.siteUrl}/wp-json/wp/v2/token`,
        validate: `${t.config.siteUrl}/wp-json/wp/v2/token/validate`,
        jwks: `${t.config.siteUrl}/wp-json/gatehouse/v1/jwks`,
      },
    });
    expect(index.routes['/wp/v2/token']).toBeDefined();
    expect(index.routes['/wp/v2/token/validate']).toBeDefined();
  });
});

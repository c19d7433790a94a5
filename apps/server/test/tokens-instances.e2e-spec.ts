import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GrantEventsService } from '@gatehouse/access';
import { SigningKeysService } from '@gatehouse/tokens';
import { decodeProtectedHeader } from 'jose';
import { createServer } from '../src/create-server';
import { basic, createTestApp, freePort, TestApp, TestUser } from './support/test-app';

interface Issued {
  access_token: string;
  refresh_token: string;
}

/**
 * Two server instances on one database, as behind a load balancer: keys are shared, and a revocation
 * made through one reaches the other's caches through LISTEN/NOTIFY.
 */
describe('tokens across server instances (e2e)', () => {
  let t: TestApp;
  let second: NestFastifyApplication;
  let secondUrl: string;
  let owner: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ GATEHOUSE_URL: 'https://gatehouse.example' });
    second = await createServer(t.config, t.databaseUrl, { logger: ['error'] });
    const port = await freePort();
    await second.listen({ port, host: '127.0.0.1' });
    secondUrl = `http://127.0.0.1:${port}`;
    owner = await t.createUser('author', 'shared');
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });

  const issue = async (base: string, credential: { uuid: string; password: string }): Promise<Issued> => {
    const response = await fetch(`${base}/wp-json/wp/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: credential.uuid, api_secret: credential.password }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Issued;
  };
  const me = (base: string, token: string) => fetch(`${base}/wp-json/wp/v2/users/me`, { headers: { authorization: `Bearer ${token}` } });
  /** Resolves when the second instance has heard of a change to this grant from the database. */
  const heardOn = (app: NestFastifyApplication, grantId: string) =>
    new Promise<void>((resolve) => {
      const stop = app.get(GrantEventsService).subscribe((id) => {
        if (id === grantId) {
          stop();
          resolve();
        }
      });
    });

  it('share one signing key; a key rotated on one instance is accepted by the other at once', async () => {
    expect(second.get(SigningKeysService).activeKid).toBe(t.app.get(SigningKeysService).activeKid);
    const credential = await t.createAppPassword(owner.user);
    const fromFirst = await issue(t.url, credential);
    expect((await me(secondUrl, fromFirst.access_token)).status).toBe(200);

    const { kid } = await t.app.get(SigningKeysService).rotate();
    const rotated = await issue(t.url, credential);
    expect(decodeProtectedHeader(rotated.access_token).kid).toBe(kid);
    expect((await me(secondUrl, rotated.access_token)).status).toBe(200);
    expect((await me(secondUrl, fromFirst.access_token)).status).toBe(200);
  });

  it('a revocation made through one instance ends the tokens on the other', async () => {
    const credential = await t.createAppPassword(owner.user, 'revoked elsewhere');
    const manager = await t.createAppPassword(owner.user, 'manager');
    const pair = await issue(t.url, credential);
    expect((await me(secondUrl, pair.access_token)).status).toBe(200); // now cached as active there
    const heard = heardOn(second, credential.uuid);
    const deleted = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords/${credential.uuid}`, {
      method: 'DELETE',
      headers: { authorization: basic('shared', manager.password) },
    });
    expect(deleted.status).toBe(200);
    await heard;
    const refused = await me(secondUrl, pair.access_token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe('rest_authentication_revoked_api_key');
  });

  it('a family revoked for refresh-token reuse on one instance is refused on the other', async () => {
    const credential = await t.createAppPassword(owner.user, 'reused');
    const first = await issue(t.url, credential);
    const refresh = (base: string, token: string) =>
      fetch(`${base}/wp-json/wp/v2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: token }) });
    const next = (await (await refresh(secondUrl, first.refresh_token)).json()) as Issued;
    expect((await me(secondUrl, next.access_token)).status).toBe(200);
    const heard = heardOn(second, credential.uuid);
    expect((await refresh(t.url, first.refresh_token)).status).toBe(403);
    await heard;
    expect((await me(secondUrl, next.access_token)).status).toBe(401);
  });

  it('revoking all of a user\'s application passwords ends their tokens too', async () => {
    const person = await t.createUser('subscriber', 'everything');
    const one = await t.createAppPassword(person.user, 'one');
    const two = await t.createAppPassword(person.user, 'two');
    const a = await issue(t.url, one);
    const b = await issue(t.url, two);
    expect((await me(t.url, a.access_token)).status).toBe(200);
    expect((await me(t.url, b.access_token)).status).toBe(200);
    const deleted = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords`, { method: 'DELETE', headers: { authorization: basic('everything', one.password) } });
    expect(await deleted.json()).toEqual({ deleted: true, count: 2 });
    expect((await me(t.url, a.access_token)).status).toBe(401);
    expect((await me(t.url, b.access_token)).status).toBe(401);
  });
});

describe('tokens in production over plain HTTP (e2e)', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('are neither issued nor accepted, nor advertised, as application passwords are not', async () => {
    t = await createTestApp({ GATEHOUSE_ENV: 'production' });
    const owner = await t.createUser('author', 'plainhttp');
    const credential = await t.createAppPassword(owner.user);
    const response = await fetch(`${t.url}/wp-json/wp/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: credential.uuid, api_secret: credential.password }),
    });
    expect(response.status).toBe(501);
    expect(((await response.json()) as { code: string }).code).toBe('application_passwords_disabled');
    const index = (await (await fetch(`${t.url}/wp-json/`)).json()) as { authentication: unknown };
    expect(index.authentication).toEqual([]);
  });
});

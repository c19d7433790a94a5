import { capabilitiesOf } from '@gatehouse/access';
import { immutableBody } from '@gatehouse/core';
import { createHash } from 'node:crypto';
import type { User } from './entities/user.entity';

export type WpContext = 'view' | 'edit' | 'embed';

function avatarUrls(email: string): Record<string, string> {
  const digest = createHash('md5').update(email.trim().toLowerCase()).digest('hex');
  const urls: Record<string, string> = {};
  for (const size of [24, 48, 96]) urls[size] = `https://secure.gravatar.com/avatar/${digest}?s=${size}&d=mm&r=g`;
  return urls;
}

/**
 * Responses for users shared from UsersService's cache (frozen, replaced by a new object when the
 * user changes), built and serialized once per context: `/users/me` is what every credential's
 * client asks first and most often.
 */
const sharedResponses = new WeakMap<Readonly<User>, Map<string, Record<string, unknown>>>();

/**
 * A user as WordPress's REST API shows it, field for field and in the same order, per context. For a
 * frozen (cached) user the answer is frozen too: a caller that wants to change it builds a copy.
 */
export function userResponse(user: Readonly<User>, context: WpContext, siteUrl: string): Record<string, unknown> {
  if (!Object.isFrozen(user)) return buildUserResponse(user, context, siteUrl);
  let responses = sharedResponses.get(user);
  if (!responses) sharedResponses.set(user, (responses = new Map()));
  const key = `${context} ${siteUrl}`;
  let response = responses.get(key);
  if (!response) responses.set(key, (response = immutableBody(buildUserResponse(user, context, siteUrl))));
  return response;
}

function buildUserResponse(user: Readonly<User>, context: WpContext, siteUrl: string): Record<string, unknown> {
  const self = `${siteUrl}/wp-json/wp/v2/users/${user.id}`;
  const link = `${siteUrl}/author/${user.slug}/`;
  const links = { self: [{ href: self }], collection: [{ href: `${siteUrl}/wp-json/wp/v2/users` }] };
  if (context === 'edit') {
    const capabilities: Record<string, boolean> = {};
    for (const capability of capabilitiesOf(user.role)) capabilities[capability] = true;
    return {
      id: user.id,
      username: user.login,
      name: user.displayName,
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      url: user.url,
      description: user.description,
      link,
      locale: user.locale,
      nickname: user.nickname,
      slug: user.slug,
      roles: [user.role],
      registered_date: user.registeredAt.toISOString().slice(0, 19) + '+00:00',
      capabilities,
      extra_capabilities: { [user.role]: true },
      avatar_urls: avatarUrls(user.email),
      // WordPress registers one user meta key shown in the edit context.
      meta: { persisted_preferences: [] },
      _links: links,
    };
  }
  const shown: Record<string, unknown> = {
    id: user.id,
    name: user.displayName,
    url: user.url,
    description: user.description,
    link,
    slug: user.slug,
    avatar_urls: avatarUrls(user.email),
  };
  if (context === 'view') shown.meta = [];
  shown._links = links;
  return shown;
}

import { Grant, grantPolicyOf } from '@gatehouse/access';
import { wpDate } from '@gatehouse/core';

export type AppPasswordContext = 'view' | 'edit' | 'embed';

export function appPasswordUrl(siteUrl: string, userId: number, uuid: string): string {
  return `${siteUrl}/wp-json/wp/v2/users/${userId}/application-passwords/${uuid}`;
}

/**
 * An application password as WordPress shows it (seven fields, dates in UTC without a zone), plus
 * Gatehouse's `policy`: what the password may do, with its expiry and IP ranges.
 */
export function appPasswordResponse(grant: Grant, context: AppPasswordContext, siteUrl: string, password?: string): Record<string, unknown> {
  const shown: Record<string, unknown> = { uuid: grant.id, app_id: grant.appId, name: grant.name };
  if (context !== 'embed') {
    shown.created = wpDate(grant.createdAt);
    shown.last_used = wpDate(grant.lastUsedAt);
    shown.last_ip = grant.lastIp;
    shown.policy = grantPolicyOf(grant.policy, grant.expiresAt);
  }
  if (password !== undefined) shown.password = password;
  shown._links = { self: [{ href: appPasswordUrl(siteUrl, grant.userId, grant.id) }] };
  return shown;
}

import { Grant, grantPolicyOf } from '@gatehouse/access';
import { wpDate } from '@gatehouse/core';

export type AppPasswordContext = 'view' | 'edit' | 'embed';

export function appPasswordUrl(siteUrl: string, userId: number, uuid: string): string {
  return `${siteUrl}/wp-json/wp/v2/users/${userId}/application-passwords/${uuid}`;
}

/**
 * An application password as WordPress shows it: seven fields, dates in UTC without a zone, plus
 * Gatehouse's `policy` (what the password may do, with its expiry and IP ranges), then `_links`
 * (dropped by the global `_fields` filter unless asked for; `links: false` for a deleted item's
 * `previous`, which WordPress shows without links).
 */
export function appPasswordResponse(grant: Grant, context: AppPasswordContext, siteUrl: string, password?: string, links = true): Record<string, unknown> {
  const shown: Record<string, unknown> = { uuid: grant.id, app_id: grant.appId, name: grant.name };
  if (context !== 'embed') {
    shown.created = wpDate(grant.createdAt);
    shown.last_used = wpDate(grant.lastUsedAt);
    shown.last_ip = grant.lastIp;
    shown.policy = grantPolicyOf(grant.policy, grant.expiresAt);
  }
  if (password !== undefined) shown.password = password;
  if (links) shown._links = { self: [{ href: appPasswordUrl(siteUrl, grant.userId, grant.id) }] };
  return shown;
}

/** The item schema WordPress shows in OPTIONS answers for the application-password routes. */
export const APP_PASSWORD_SCHEMA: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'application-password',
  type: 'object',
  properties: {
    uuid: { description: 'The unique identifier for the application password.', type: 'string', format: 'uuid', context: ['view', 'edit', 'embed'], readonly: true },
    app_id: {
      description: 'A UUID provided by the application to uniquely identify it. It is recommended to use an UUID v5 with the URL or DNS namespace.',
      type: 'string',
      format: 'uuid',
      context: ['view', 'edit', 'embed'],
    },
    name: { description: 'The name of the application password.', type: 'string', required: true, context: ['view', 'edit', 'embed'], minLength: 1, pattern: '.*\\S.*' },
    password: { description: 'The generated password. Only available after adding an application.', type: 'string', context: ['edit'], readonly: true },
    created: { description: 'The GMT date the application password was created.', type: 'string', format: 'date-time', context: ['view', 'edit'], readonly: true },
    last_used: { description: 'The GMT date the application password was last used.', type: ['string', 'null'], format: 'date-time', context: ['view', 'edit'], readonly: true },
    last_ip: { description: 'The IP address the application password was last used by.', type: ['string', 'null'], format: 'ip', context: ['view', 'edit'], readonly: true },
    policy: {
      description: 'What the application password may do: type (full, role or rules), role, allow and deny rules ("METHODS /route/pattern"), expires_at, allowed_ips. Can only be narrowed.',
      type: 'object',
      context: ['view', 'edit'],
    },
  },
};

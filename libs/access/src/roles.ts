/**
 * WordPress's five default roles and their capabilities, in WordPress's own order (the REST API
 * prints them in this order). Each role also grants a capability named after itself.
 */
export const ROLE_NAMES = ['administrator', 'editor', 'author', 'contributor', 'subscriber'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

const SUBSCRIBER = ['read', 'level_0'];
const CONTRIBUTOR = ['edit_posts', 'read', 'level_1', 'level_0', 'delete_posts'];
const AUTHOR = [
  'upload_files', 'edit_posts', 'edit_published_posts', 'publish_posts', 'read',
  'level_2', 'level_1', 'level_0', 'delete_posts', 'delete_published_posts',
];
const EDITOR = [
  'moderate_comments', 'manage_categories', 'manage_links', 'upload_files', 'unfiltered_html',
  'edit_posts', 'edit_others_posts', 'edit_published_posts', 'publish_posts', 'edit_pages', 'read',
  'level_7', 'level_6', 'level_5', 'level_4', 'level_3', 'level_2', 'level_1', 'level_0',
  'edit_others_pages', 'edit_published_pages', 'publish_pages', 'delete_pages', 'delete_others_pages',
  'delete_published_pages', 'delete_posts', 'delete_others_posts', 'delete_published_posts',
  'delete_private_posts', 'edit_private_posts', 'read_private_posts', 'delete_private_pages',
  'edit_private_pages', 'read_private_pages',
];
const ADMINISTRATOR = [
  'switch_themes', 'edit_themes', 'activate_plugins', 'edit_plugins', 'edit_users', 'edit_files',
  'manage_options', 'moderate_comments', 'manage_categories', 'manage_links', 'upload_files', 'import',
  'unfiltered_html', 'edit_posts', 'edit_others_posts', 'edit_published_posts', 'publish_posts',
  'edit_pages', 'read', 'level_10', 'level_9', 'level_8', 'level_7', 'level_6', 'level_5', 'level_4',
  'level_3', 'level_2', 'level_1', 'level_0', 'edit_others_pages', 'edit_published_pages',
  'publish_pages', 'delete_pages', 'delete_others_pages', 'delete_published_pages', 'delete_posts',
  'delete_others_posts', 'delete_published_posts', 'delete_private_posts', 'edit_private_posts',
  'read_private_posts', 'delete_private_pages', 'edit_private_pages', 'read_private_pages',
  'delete_users', 'create_users', 'unfiltered_upload', 'edit_dashboard', 'update_plugins',
  'delete_plugins', 'install_plugins', 'update_themes', 'install_themes', 'update_core', 'list_users',
  'remove_users', 'promote_users', 'edit_theme_options', 'delete_themes', 'export',
];

const ROLE_CAPABILITIES: Record<RoleName, readonly string[]> = {
  administrator: [...ADMINISTRATOR, 'administrator'],
  editor: [...EDITOR, 'editor'],
  author: [...AUTHOR, 'author'],
  contributor: [...CONTRIBUTOR, 'contributor'],
  subscriber: [...SUBSCRIBER, 'subscriber'],
};

const ROLE_CAPABILITY_SETS = new Map<RoleName, ReadonlySet<string>>(
  ROLE_NAMES.map((role) => [role, new Set(ROLE_CAPABILITIES[role])]),
);

/** Rank for "at or below": a lower number is a more powerful role. */
const ROLE_RANK: Record<RoleName, number> = { administrator: 0, editor: 1, author: 2, contributor: 3, subscriber: 4 };

export function isRoleName(value: unknown): value is RoleName {
  return typeof value === 'string' && (ROLE_NAMES as readonly string[]).includes(value);
}

/** Capabilities of a role, in WordPress's order (for the `capabilities` field). */
export function capabilitiesOf(role: RoleName): readonly string[] {
  return ROLE_CAPABILITIES[role];
}

export function roleHasCapability(role: RoleName, capability: string): boolean {
  return ROLE_CAPABILITY_SETS.get(role)?.has(capability) ?? false;
}

/** True when `role` is the same as or less powerful than `than`. */
export function isRoleAtOrBelow(role: RoleName, than: RoleName): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[than];
}

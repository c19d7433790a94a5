import { authorizationStatus, Principal, principalCan } from '@gatehouse/access';
import { WpError } from '@gatehouse/core';
import type { PostStatus } from './entities/post.entity';

/**
 * WordPress's meta capabilities for posts (map_meta_cap's edit_post, delete_post, read_post and the
 * REST controller's status rules), as primitive capabilities each check needs — all of them.
 * Checked through principalCan, so a credential acting as a lower role is held to that role.
 */
export interface PostFacts {
  authorId: number;
  status: PostStatus;
  trashedFrom: PostStatus | null;
}

const PUBLISHED: readonly PostStatus[] = ['publish', 'future'];

function isOwn(principal: Principal, post: PostFacts): boolean {
  return post.authorId === principal.user.id;
}

/** A trashed post is judged by the status it had before it was trashed (for its own author). */
function ownStatus(post: PostFacts): PostStatus {
  return post.status === 'trash' ? (post.trashedFrom ?? 'draft') : post.status;
}

/** map_meta_cap('edit_post'). */
export function editPostCaps(principal: Principal, post: PostFacts): string[] {
  if (isOwn(principal, post)) return [PUBLISHED.includes(ownStatus(post)) ? 'edit_published_posts' : 'edit_posts'];
  const caps = ['edit_others_posts'];
  if (PUBLISHED.includes(post.status)) caps.push('edit_published_posts');
  else if (post.status === 'private') caps.push('edit_private_posts');
  return caps;
}

/** map_meta_cap('delete_post'). */
export function deletePostCaps(principal: Principal, post: PostFacts): string[] {
  if (isOwn(principal, post)) return [PUBLISHED.includes(ownStatus(post)) ? 'delete_published_posts' : 'delete_posts'];
  const caps = ['delete_others_posts'];
  if (PUBLISHED.includes(post.status)) caps.push('delete_published_posts');
  else if (post.status === 'private') caps.push('delete_private_posts');
  return caps;
}

function holdsAll(principal: Principal, caps: string[]): boolean {
  return caps.every((cap) => principalCan(principal, cap));
}

export function canEditPost(principal: Principal | undefined, post: PostFacts): boolean {
  return !!principal && holdsAll(principal, editPostCaps(principal, post));
}

export function canDeletePost(principal: Principal | undefined, post: PostFacts): boolean {
  return !!principal && holdsAll(principal, deletePostCaps(principal, post));
}

/** The REST controller's check_read_permission with map_meta_cap('read_post'). */
export function canReadPost(principal: Principal | undefined, post: PostFacts): boolean {
  if (post.status === 'publish') return true;
  if (!principal) return false;
  if (isOwn(principal, post)) return principalCan(principal, 'read');
  if (post.status === 'private') return principalCan(principal, 'read_private_posts');
  return canEditPost(principal, post);
}

/** WordPress's handle_status_param: publishing (publish, future, private) needs publish_posts. */
export function assertCanSetStatus(principal: Principal, status: PostStatus): void {
  if ((status === 'publish' || status === 'future' || status === 'private') && !principalCan(principal, 'publish_posts')) {
    const message = status === 'private'
      ? 'Sorry, you are not allowed to create private posts in this post type.'
      : 'Sorry, you are not allowed to publish posts in this post type.';
    throw new WpError('rest_cannot_publish', message, authorizationStatus(principal));
  }
}

/** sanitize_post_statuses: listing anything but published posts needs edit_posts (private: read_private_posts). */
export function assertCanListStatuses(principal: Principal | undefined, statuses: readonly string[]): void {
  for (const status of statuses) {
    if (status === 'publish') continue;
    if (principalCan(principal, 'edit_posts') || (status === 'private' && principalCan(principal, 'read_private_posts'))) continue;
    throw new WpError('rest_forbidden_status', 'Status is forbidden.', authorizationStatus(principal));
  }
}

/**
 * The rows a caller may read, as SQL over alias `post`: the same decision as canReadPost, so list
 * totals count only what is shown.
 */
export function readableCondition(principal: Principal | undefined): { sql: string; params: Record<string, unknown> } {
  if (!principal) return { sql: `post.status = 'publish'`, params: {} };
  const clauses = [`post.status = 'publish'`];
  if (principalCan(principal, 'read')) clauses.push('post.author_id = :readerId');
  if (principalCan(principal, 'read_private_posts')) clauses.push(`post.status = 'private'`);
  if (principalCan(principal, 'edit_others_posts')) {
    clauses.push(`(post.author_id <> :readerId AND post.status IN ('draft', 'pending', 'trash'))`);
    if (principalCan(principal, 'edit_published_posts')) clauses.push(`(post.author_id <> :readerId AND post.status = 'future')`);
  }
  return { sql: `(${clauses.join(' OR ')})`, params: { readerId: principal.user.id } };
}

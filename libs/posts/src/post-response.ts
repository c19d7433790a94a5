import { wpDate } from '@gatehouse/core';
import type { Post } from './entities/post.entity';

export type PostContext = 'view' | 'edit' | 'embed';

function generatedExcerpt(content: string): string {
  // WordPress's wp_trim_excerpt: the text of the content, 55 words, then a marker.
  const words = content.replace(/<[^>]*>/g, ' ').split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  const text = words.length > 55 ? `${words.slice(0, 55).join(' ')} [&hellip;]` : words.join(' ');
  return `<p>${text}</p>\n`;
}

function renderedExcerpt(post: Post): string {
  return post.excerpt !== '' ? `<p>${post.excerpt}</p>\n` : generatedExcerpt(post.content);
}

export function postUrl(siteUrl: string, id: number): string {
  return `${siteUrl}/wp-json/wp/v2/posts/${id}`;
}

/** A post as WordPress's REST API shows it, field for field and in WordPress's order, per context. */
export function postResponse(post: Post, context: PostContext, siteUrl: string): Record<string, unknown> {
  const guid = `${siteUrl}/?p=${post.id}`;
  const link = post.status === 'publish' && post.slug !== '' ? `${siteUrl}/${post.slug}/` : guid;
  const links = {
    self: [{ href: postUrl(siteUrl, post.id) }],
    collection: [{ href: `${siteUrl}/wp-json/wp/v2/posts` }],
    about: [{ href: `${siteUrl}/wp-json/wp/v2/types/post` }],
    author: [{ embeddable: true, href: `${siteUrl}/wp-json/wp/v2/users/${post.authorId}` }],
  };
  const edit = context === 'edit';
  const title = edit ? { raw: post.title, rendered: post.title } : { rendered: post.title };
  const excerpt = edit
    ? { raw: post.excerpt, rendered: renderedExcerpt(post), protected: false }
    : { rendered: renderedExcerpt(post), protected: false };
  if (context === 'embed') {
    return { id: post.id, date: wpDate(post.date), slug: post.slug, type: 'post', link, title, excerpt, author: post.authorId, _links: links };
  }
  return {
    id: post.id,
    date: wpDate(post.date),
    date_gmt: wpDate(post.date),
    guid: edit ? { rendered: guid, raw: guid } : { rendered: guid },
    modified: wpDate(post.modified),
    modified_gmt: wpDate(post.modified),
    slug: post.slug,
    status: post.status,
    type: 'post',
    link,
    title,
    content: edit ? { raw: post.content, rendered: post.content, protected: false } : { rendered: post.content, protected: false },
    excerpt,
    author: post.authorId,
    _links: links,
  };
}

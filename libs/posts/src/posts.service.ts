import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { authorizationStatus, Principal, principalCan } from '@gatehouse/access';
import { Clock, WpError } from '@gatehouse/core';
import { UsersService } from '@gatehouse/users';
import { EntityManager, Repository } from 'typeorm';
import { Post, PostStatus } from './entities/post.entity';
import {
  assertCanListStatuses,
  assertCanSetStatus,
  canDeletePost,
  canEditPost,
  canReadPost,
  readableCondition,
} from './post-capabilities';

export type PostOrderBy = 'date' | 'id' | 'modified' | 'slug' | 'title';

export interface ListPostsQuery {
  page: number;
  perPage: number;
  search?: string;
  authors?: number[];
  /** Requested statuses; `any` is every status but trash. */
  statuses: string[];
  order: 'asc' | 'desc';
  orderBy: PostOrderBy;
  /** In edit context, only posts the caller may edit are shown (as WordPress filters them). */
  editContext: boolean;
}

export interface PostInput {
  title?: string;
  content?: string;
  excerpt?: string;
  status?: PostStatus;
  author?: number;
  slug?: string;
  date?: string;
}

function invalidId(): WpError {
  return new WpError('rest_post_invalid_id', 'Invalid post ID.', 404);
}

function sanitizeTitle(value: string): string {
  return value
    .replace(/<[^>]*>/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 190);
}

/** Posts and WordPress's rules for who may read, create, publish, edit and delete them. */
@Injectable()
export class PostsService {
  constructor(
    @InjectRepository(Post) private readonly posts: Repository<Post>,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal | undefined, query: ListPostsQuery): Promise<{ posts: Post[]; total: number }> {
    assertCanListStatuses(principal, query.statuses);
    const statuses = query.statuses.includes('any') ? ['publish', 'future', 'draft', 'pending', 'private'] : query.statuses;
    const readable = readableCondition(principal);
    const builder = this.posts
      .createQueryBuilder('post')
      .where('post.status IN (:...statuses)', { statuses })
      .andWhere(readable.sql, readable.params);
    if (query.authors && query.authors.length > 0) builder.andWhere('post.author_id IN (:...authors)', { authors: query.authors });
    if (query.search) {
      const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere('(post.title ILIKE :pattern OR post.content ILIKE :pattern OR post.excerpt ILIKE :pattern)', { pattern });
    }
    const column = { date: 'post.date', id: 'post.id', modified: 'post.modified', slug: 'post.slug', title: 'post.title' }[query.orderBy];
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    builder.orderBy(column, direction).addOrderBy('post.id', direction);
    builder.skip((query.page - 1) * query.perPage).take(query.perPage);
    const [posts, total] = await builder.getManyAndCount();
    return { posts: query.editContext ? posts.filter((post) => canEditPost(principal, post)) : posts, total };
  }

  /** GET one post: 404, then edit context needs edit_post, then read_post. */
  async findReadable(principal: Principal | undefined, id: number, editContext: boolean): Promise<Post> {
    const post = await this.find(id);
    if (editContext && !canEditPost(principal, post)) {
      throw new WpError('rest_forbidden_context', 'Sorry, you are not allowed to edit this post.', authorizationStatus(principal));
    }
    if (!canReadPost(principal, post)) throw new WpError('rest_forbidden', 'Sorry, you are not allowed to do that.', authorizationStatus(principal));
    return post;
  }

  /** The guard has checked edit_posts (create_posts); the rest is WordPress's create_item. */
  async create(principal: Principal, input: PostInput & { id?: unknown }): Promise<Post> {
    if (input.id !== undefined) throw new WpError('rest_post_exists', 'Cannot create existing post.', 400);
    const authorId = await this.resolveAuthor(principal, input.author, 'Sorry, you are not allowed to create posts as this user.');
    const now = this.clock.now();
    const date = this.readDate(input.date) ?? now;
    const status = scheduledStatus(input.status ?? 'draft', date, now);
    assertCanSetStatus(principal, status);
    const post = this.posts.create({
      authorId,
      title: input.title ?? '',
      content: input.content ?? '',
      excerpt: input.excerpt ?? '',
      slug: '',
      status,
      trashedFrom: null,
      date,
      modified: now,
    });
    await this.posts.insert(post);
    post.slug = await this.slugFor(post, input.slug);
    if (post.slug !== '') await this.posts.update({ id: post.id }, { slug: post.slug });
    return post;
  }

  async update(principal: Principal | undefined, id: number, input: PostInput): Promise<Post> {
    const post = await this.find(id);
    if (!principal || !canEditPost(principal, post)) throw new WpError('rest_cannot_edit', 'Sorry, you are not allowed to edit this post.', authorizationStatus(principal));
    if (input.author !== undefined) {
      post.authorId = await this.resolveAuthor(principal, input.author, 'Sorry, you are not allowed to update posts as this user.');
    }
    const now = this.clock.now();
    const date = this.readDate(input.date);
    if (date) post.date = date;
    if (input.status !== undefined) {
      const status = scheduledStatus(input.status, post.date, now);
      assertCanSetStatus(principal, status);
      post.status = status;
      post.trashedFrom = null;
    }
    if (input.title !== undefined) post.title = input.title;
    if (input.content !== undefined) post.content = input.content;
    if (input.excerpt !== undefined) post.excerpt = input.excerpt;
    post.slug = await this.slugFor(post, input.slug);
    post.modified = now;
    await this.posts.save(post);
    return post;
  }

  /** DELETE: trash (410 if already trashed) or, with force, delete for good. */
  async remove(principal: Principal | undefined, id: number, force: boolean): Promise<Post> {
    const post = await this.find(id);
    if (!principal || !canDeletePost(principal, post)) throw new WpError('rest_cannot_delete', 'Sorry, you are not allowed to delete this post.', authorizationStatus(principal));
    if (force) {
      await this.posts.delete({ id: post.id });
      return post;
    }
    if (post.status === 'trash') throw new WpError('rest_already_trashed', 'The post has already been deleted.', 410);
    post.trashedFrom = post.status;
    post.status = 'trash';
    post.modified = this.clock.now();
    await this.posts.save(post);
    return post;
  }

  /** Inside a user's deletion: every post of `from` becomes `to`'s. */
  async reassignAuthor(manager: EntityManager, from: number, to: number): Promise<void> {
    await manager.update(Post, { authorId: from }, { authorId: to });
  }

  isPublishedAuthor(userId: number): Promise<boolean> {
    return this.posts.existsBy({ authorId: userId, status: 'publish' });
  }

  private async find(id: number): Promise<Post> {
    if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) throw invalidId();
    const post = await this.posts.findOneBy({ id });
    if (!post) throw invalidId();
    return post;
  }

  /** Writing as someone else needs edit_others_posts; the author must exist. */
  private async resolveAuthor(principal: Principal, author: number | undefined, message: string): Promise<number> {
    if (author === undefined || author === 0 || author === principal.user.id) return principal.user.id;
    if (!principalCan(principal, 'edit_others_posts')) throw new WpError('rest_cannot_edit_others', message, authorizationStatus(principal));
    if (!(await this.users.findById(author))) throw new WpError('rest_invalid_author', 'Invalid author ID.', 400);
    return author;
  }

  private readDate(value: string | undefined): Date | undefined {
    if (value === undefined || value === '') return undefined;
    const time = Date.parse(/(Z|[+-]\d\d:\d\d)$/.test(value) ? value : `${value}Z`);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(value) || Number.isNaN(time)) {
      throw new WpError('rest_invalid_param', 'Invalid parameter(s): date', 400, { params: { date: 'Invalid date.' } });
    }
    return new Date(time);
  }

  /** WordPress gives a slug when a post leaves draft/pending (or when one is asked for), unique among posts. */
  private async slugFor(post: Post, requested: string | undefined): Promise<string> {
    let base = requested !== undefined ? sanitizeTitle(requested) : post.slug;
    if (base === '' && !['draft', 'pending'].includes(post.status === 'trash' ? (post.trashedFrom ?? 'draft') : post.status)) {
      base = sanitizeTitle(post.title) || String(post.id);
    }
    if (base === '') return '';
    let candidate = base;
    for (let suffix = 2; await this.slugTaken(candidate, post.id); suffix++) candidate = `${base.slice(0, 180)}-${suffix}`;
    return candidate;
  }

  private async slugTaken(slug: string, exceptId: number): Promise<boolean> {
    return this.posts.createQueryBuilder('post').where('post.slug = :slug AND post.id <> :id', { slug, id: exceptId }).getExists();
  }
}

/** A post published with a future date is scheduled; one scheduled for the past is published. */
function scheduledStatus(status: PostStatus, date: Date, now: Date): PostStatus {
  if (status === 'publish' && date.getTime() > now.getTime()) return 'future';
  if (status === 'future' && date.getTime() <= now.getTime()) return 'publish';
  return status;
}

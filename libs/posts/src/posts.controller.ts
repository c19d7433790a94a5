import { Controller, Inject, Res } from '@nestjs/common';
import { authorizationStatus, CurrentPrincipal, principalCan, Requires, WpParams } from '@gatehouse/access';
import type { Principal } from '@gatehouse/access';
import { ArgSchema, contextArg, GATEHOUSE_CONFIG, Public, RestRoute, RouteArgs, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import type { FastifyReply } from 'fastify';
import { POST_STATUSES, PostStatus } from './entities/post.entity';
import { PostContext, postResponse, postUrl } from './post-response';
import { PostInput, PostOrderBy, PostsService } from './posts.service';

const COLLECTION = '/wp/v2/posts';
const ITEM = '/wp/v2/posts/:id(\\d+)';
const ID_ARG = { id: { description: 'Unique identifier for the post.', type: 'integer' } } as const;

const LIST_ARGS: RouteArgs = {
  context: contextArg(),
  page: { description: 'Current page of the collection.', type: 'integer', default: 1, minimum: 1 },
  per_page: { description: 'Maximum number of items to be returned in result set.', type: 'integer', default: 10, minimum: 1, maximum: 100 },
  search: { description: 'Limit results to those matching a string.', type: 'string' },
  author: { description: 'Limit result set to posts assigned to specific authors.', type: 'array', items: { type: 'integer' } },
  order: { description: 'Order sort attribute ascending or descending.', type: 'string', default: 'desc', enum: ['asc', 'desc'] },
  orderby: { description: 'Sort collection by post attribute.', type: 'string', default: 'date', enum: ['date', 'id', 'modified', 'slug', 'title'] },
  status: {
    description: 'Limit result set to posts assigned one or more statuses.',
    type: 'array',
    items: { type: 'string', enum: [...POST_STATUSES, 'trash', 'any'] },
    default: ['publish'],
  },
};

// WordPress accepts a string or {raw} for its text fields.
const TEXT = (description: string): ArgSchema => ({ description, type: ['string', 'object'] });
const WRITE_ARGS: RouteArgs = {
  date: { description: "The date the post was published, in the site's timezone.", type: ['string', 'null'], format: 'date-time' },
  slug: { description: 'An alphanumeric identifier for the post unique to its type.', type: 'string' },
  status: { description: 'A named status for the post.', type: 'string', enum: POST_STATUSES },
  title: TEXT('The title for the post.'),
  content: TEXT('The content for the post.'),
  excerpt: TEXT('The excerpt for the post.'),
  author: { description: 'The ID for the author of the post.', type: 'integer' },
};

type Params = Record<string, unknown>;

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { raw?: unknown }).raw === 'string') return (value as { raw: string }).raw;
  return undefined;
}

function postInput(params: Params): PostInput {
  return {
    title: text(params.title),
    content: text(params.content),
    excerpt: text(params.excerpt),
    status: params.status as PostStatus | undefined,
    author: params.author as number | undefined,
    slug: params.slug as string | undefined,
    date: (params.date as string | null | undefined) ?? undefined,
  };
}

/** `/wp/v2/posts`: WordPress's posts endpoints. Permission rules live in post-capabilities.ts. */
@Controller()
export class PostsController {
  constructor(
    private readonly posts: PostsService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  @RestRoute('GET', COLLECTION, LIST_ARGS)
  @Public()
  async list(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = params.context as PostContext;
    if (context === 'edit' && !principalCan(principal, 'edit_posts')) {
      throw new WpError('rest_forbidden_context', 'Sorry, you are not allowed to edit posts in this post type.', authorizationStatus(principal));
    }
    const page = params.page as number;
    const perPage = params.per_page as number;
    const { posts, total } = await this.posts.list(principal, {
      page,
      perPage,
      search: params.search as string | undefined,
      authors: params.author as number[] | undefined,
      statuses: params.status as string[],
      order: params.order as 'asc' | 'desc',
      orderBy: params.orderby as PostOrderBy,
      editContext: context === 'edit',
    });
    const totalPages = Math.ceil(total / perPage);
    if (page > totalPages && total > 0) {
      throw new WpError('rest_post_invalid_page_number', 'The page number requested is larger than the number of pages available.', 400);
    }
    reply.header('X-WP-Total', String(total)).header('X-WP-TotalPages', String(totalPages));
    return posts.map((post) => postResponse(post, context, this.config.siteUrl));
  }

  @RestRoute('GET', ITEM, { ...ID_ARG, context: contextArg() })
  @Public()
  async get(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined) {
    const context = params.context as PostContext;
    const post = await this.posts.findReadable(principal, params.id as number, context === 'edit');
    return postResponse(post, context, this.config.siteUrl);
  }

  @RestRoute('POST', COLLECTION, WRITE_ARGS, { status: 201 })
  @Requires({ capability: 'edit_posts', code: 'rest_cannot_create', message: 'Sorry, you are not allowed to create posts as this user.' })
  async create(@WpParams() params: Params, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const post = await this.posts.create(principal, { ...postInput(params), id: params.id });
    reply.header('Location', postUrl(this.config.siteUrl, post.id));
    return postResponse(post, 'edit', this.config.siteUrl);
  }

  @RestRoute('POST', ITEM, { ...ID_ARG, ...WRITE_ARGS })
  @Public()
  updateByPost(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined) {
    return this.update(params, principal);
  }

  @RestRoute('PUT', ITEM, { ...ID_ARG, ...WRITE_ARGS })
  @Public()
  updateByPut(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined) {
    return this.update(params, principal);
  }

  @RestRoute('PATCH', ITEM, { ...ID_ARG, ...WRITE_ARGS })
  @Public()
  updateByPatch(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined) {
    return this.update(params, principal);
  }

  @RestRoute('DELETE', ITEM, { ...ID_ARG, force: { description: 'Whether to bypass Trash and force deletion.', type: 'boolean', default: false } })
  @Public()
  async delete(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined) {
    const force = params.force as boolean;
    const post = await this.posts.remove(principal, params.id as number, force);
    const shown = postResponse(post, 'edit', this.config.siteUrl);
    return force ? { deleted: true, previous: shown } : shown;
  }

  private async update(params: Params, principal: Principal | undefined) {
    const post = await this.posts.update(principal, params.id as number, postInput(params));
    return postResponse(post, 'edit', this.config.siteUrl);
  }
}

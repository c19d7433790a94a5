import { Controller, Inject, Res } from '@nestjs/common';
import { CurrentPrincipal, principalCan, principalCanEditUser, authorizationStatus, Principal, Requires, RoleName, ROLE_NAMES, WpParams } from '@gatehouse/access';
import { contextArg, GATEHOUSE_CONFIG, GatehouseConfig, Public, RestRoute, WpError } from '@gatehouse/core';
import type { FastifyReply } from 'fastify';
import { PublicAuthors } from './public-authors';
import { UsersService } from './users.service';
import { userResponse, WpContext } from './user-response';

const CREATE_ARGS = {
  username: { description: 'Login name for the user.', type: 'string', required: true },
  name: { description: 'Display name for the user.', type: 'string' },
  first_name: { description: 'First name for the user.', type: 'string' },
  last_name: { description: 'Last name for the user.', type: 'string' },
  email: { description: 'The email address for the user.', type: 'string', format: 'email', required: true },
  url: { description: 'URL of the user.', type: 'string', format: 'uri' },
  description: { description: 'Description of the user.', type: 'string' },
  locale: { description: 'Locale for the user.', type: 'string', enum: ['', 'en_US'] },
  nickname: { description: 'The nickname for the user.', type: 'string' },
  slug: { description: 'An alphanumeric identifier for the user.', type: 'string' },
  roles: { description: 'Roles assigned to the user.', type: 'array', items: { type: 'string', enum: ROLE_NAMES } },
  password: { description: 'Password for the user (never included).', type: 'string', required: true },
} as const;

const LIST_ARGS = {
  context: contextArg(),
  page: { description: 'Current page of the collection.', type: 'integer', default: 1, minimum: 1 },
  per_page: { description: 'Maximum number of items to be returned in result set.', type: 'integer', default: 10, minimum: 1, maximum: 100 },
  search: { description: 'Limit results to those matching a string.', type: 'string' },
  order: { description: 'Order sort attribute ascending or descending.', type: 'string', default: 'asc', enum: ['asc', 'desc'] },
  orderby: { description: 'Sort collection by user attribute.', type: 'string', default: 'name', enum: ['id', 'name', 'registered_date', 'slug', 'email', 'username'] },
  roles: { description: 'Limit result set to users matching at least one specific role provided. Accepts csv list or single role.', type: 'array', items: { type: 'string' } },
} as const;

/** `/wp/v2/users`: WordPress's users endpoints and their permission rules. */
@Controller()
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly publicAuthors: PublicAuthors,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  @RestRoute('GET', '/wp/v2/users', LIST_ARGS)
  @Public()
  async list(@WpParams() params: Record<string, unknown>, @CurrentPrincipal() principal: Principal | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = params.context as WpContext;
    const canList = principalCan(principal, 'list_users');
    if (context === 'edit' && !canList) {
      throw new WpError('rest_forbidden_context', 'Sorry, you are not allowed to list users.', authorizationStatus(principal));
    }
    const orderBy = params.orderby as 'id' | 'name' | 'registered_date' | 'slug' | 'email' | 'username';
    if ((orderBy === 'email' || orderBy === 'username') && !canList) {
      throw new WpError('rest_forbidden_orderby', 'Sorry, you are not allowed to order users by this parameter.', authorizationStatus(principal));
    }
    if (params.roles !== undefined && !canList) {
      throw new WpError('rest_user_cannot_view', 'Sorry, you are not allowed to filter users by role.', authorizationStatus(principal));
    }
    const perPage = params.per_page as number;
    const page = params.page as number;
    // Without list_users WordPress shows only authors of published posts.
    const ids = canList ? undefined : await this.publicAuthors.ids();
    const { users, total } = await this.users.list({ page, perPage, search: params.search as string | undefined, roles: params.roles as string[] | undefined, ids, order: params.order as 'asc' | 'desc', orderBy });
    const totalPages = Math.ceil(total / perPage);
    if (page > 1 && page > totalPages) {
      throw new WpError('rest_user_invalid_page_number', 'The page number requested is larger than the number of pages available.', 400);
    }
    reply.header('X-WP-Total', String(total)).header('X-WP-TotalPages', String(totalPages));
    return users.map((user) => userResponse(user, context, this.config.siteUrl));
  }

  @RestRoute('GET', '/wp/v2/users/me', { context: contextArg() })
  @Requires({})
  me(@WpParams() params: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    return this.showUser(principal.user.id, params.context as WpContext, principal);
  }

  @RestRoute('GET', '/wp/v2/users/:id(\\d+)', { id: { description: 'Unique identifier for the user.', type: 'integer' }, context: contextArg() })
  @Public()
  async get(@WpParams() params: Record<string, unknown>, @CurrentPrincipal() principal: Principal | undefined) {
    return this.showUser(params.id as number, params.context as WpContext, principal);
  }

  @RestRoute('POST', '/wp/v2/users', CREATE_ARGS)
  @Public()
  async create(@WpParams() params: Record<string, unknown>, @CurrentPrincipal() principal: Principal | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!principalCan(principal, 'create_users')) {
      throw new WpError('rest_cannot_create_user', 'Sorry, you are not allowed to create new users.', authorizationStatus(principal));
    }
    const roles = (params.roles as RoleName[] | undefined) ?? [];
    if (roles.length > 1) throw new WpError('rest_user_invalid_role', 'Gatehouse users have exactly one role.', 400);
    const user = await this.users.create({
      login: params.username as string,
      email: params.email as string,
      password: params.password as string,
      role: roles[0],
      name: params.name as string | undefined,
      firstName: params.first_name as string | undefined,
      lastName: params.last_name as string | undefined,
      nickname: params.nickname as string | undefined,
      description: params.description as string | undefined,
      url: params.url as string | undefined,
      slug: params.slug as string | undefined,
    });
    reply.status(201).header('Location', `${this.config.siteUrl}/wp-json/wp/v2/users/${user.id}`);
    return userResponse(user, 'edit', this.config.siteUrl);
  }

  private async showUser(id: number, context: WpContext, principal: Principal | undefined) {
    const user = await this.users.findById(id);
    if (!user) throw new WpError('rest_user_invalid_id', 'Invalid user ID.', 404);
    const own = principal?.user.id === user.id;
    if (!own && context === 'edit' && !principalCanEditUser(principal, user.id)) {
      throw new WpError('rest_forbidden_context', 'Sorry, you are not allowed to edit this user.', authorizationStatus(principal));
    }
    // Others see a user who has published posts, or anyone if they may list or edit users.
    if (!own && !principalCan(principal, 'list_users') && !principalCanEditUser(principal, user.id) && !(await this.publicAuthors.includes(user.id))) {
      throw new WpError('rest_user_cannot_view', 'Sorry, you are not allowed to list users.', authorizationStatus(principal));
    }
    return userResponse(user, context, this.config.siteUrl);
  }
}

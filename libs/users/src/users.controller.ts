import { Controller, Inject, Req, Res } from '@nestjs/common';
import { authorizationStatus, CurrentPrincipal, isRoleName, principalCan, principalCanEditUser, Requires, RoleName, WpParams } from '@gatehouse/access';
import type { Principal } from '@gatehouse/access';
import { AllowCheck, contextArg, GATEHOUSE_CONFIG, Public, RestRoute, RouteArgs, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserOrderBy, UsersService } from './users.service';
import { userResponse, WpContext } from './user-response';

/** WordPress's validate_username(): what sanitize_user(…, true) leaves unchanged. */
const VALID_USERNAME = /^[A-Za-z0-9 _.\-@]+$/;

const CREATE_ARGS: RouteArgs = {
  username: {
    description: 'Login name for the user.',
    type: 'string',
    required: true,
    check: (value) =>
      VALID_USERNAME.test(String(value)) && String(value).trim() === String(value)
        ? undefined
        : { code: 'rest_user_invalid_username', message: 'This username is invalid because it uses illegal characters. Please enter a valid username.' },
  },
  name: { description: 'Display name for the user.', type: 'string' },
  first_name: { description: 'First name for the user.', type: 'string' },
  last_name: { description: 'Last name for the user.', type: 'string' },
  email: { description: 'The email address for the user.', type: 'string', format: 'email', required: true },
  url: { description: 'URL of the user.', type: 'string', format: 'uri' },
  description: { description: 'Description of the user.', type: 'string' },
  locale: { description: 'Locale for the user.', type: 'string', enum: ['', 'en_US'] },
  nickname: { description: 'The nickname for the user.', type: 'string' },
  slug: { description: 'An alphanumeric identifier for the user.', type: 'string' },
  roles: { description: 'Roles assigned to the user.', type: 'array', items: { type: 'string' } },
  password: {
    description: 'Password for the user (never included).',
    type: 'string',
    required: true,
    check: (value) => {
      const password = String(value);
      if (password.trim() === '') return { code: 'rest_user_invalid_password', message: 'Passwords cannot be empty.' };
      if (password.includes('\\')) return { code: 'rest_user_invalid_password', message: 'Passwords cannot contain the "\\" character.' };
      return undefined;
    },
  },
};

const LIST_ARGS: RouteArgs = {
  context: contextArg(),
  page: { description: 'Current page of the collection.', type: 'integer', default: 1, minimum: 1 },
  per_page: { description: 'Maximum number of items to be returned in result set.', type: 'integer', default: 10, minimum: 1, maximum: 100 },
  search: { description: 'Limit results to those matching a string.', type: 'string' },
  order: { description: 'Order sort attribute ascending or descending.', type: 'string', default: 'asc', enum: ['asc', 'desc'] },
  orderby: { description: 'Sort collection by user attribute.', type: 'string', default: 'name', enum: ['id', 'name', 'registered_date', 'slug', 'email', 'url', 'username'] },
  roles: { description: 'Limit result set to users matching at least one specific role provided. Accepts csv list or single role.', type: 'array', items: { type: 'string' } },
};

const ITEM_ARGS: RouteArgs = { id: { description: 'Unique identifier for the user.', type: 'integer' }, context: contextArg() };

/** Allow-header checks: WordPress's permission callbacks, without the database. */
const mayCreate: AllowCheck = (principal) => principalCan(principal as Principal | undefined, 'create_users');
const mayView: AllowCheck = (principal, params) => {
  const caller = principal as Principal | undefined;
  const id = Number(params.id);
  return !!caller && (caller.user.id === id || principalCan(caller, 'list_users') || principalCanEditUser(caller, id));
};

/** `/wp/v2/users`: WordPress's users endpoints and their permission rules, in WordPress's order of checks. */
@Controller()
export class UsersController {
  constructor(
    private readonly users: UsersService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  @RestRoute('GET', '/wp/v2/users', LIST_ARGS)
  @Public()
  async list(@WpParams() params: Record<string, unknown>, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = params.context as WpContext;
    const canList = principalCan(principal, 'list_users');
    const roles = params.roles as string[] | undefined;
    if (roles && roles.length > 0 && !canList) {
      throw new WpError('rest_user_cannot_view', 'Sorry, you are not allowed to filter users by role.', authorizationStatus(principal));
    }
    if (context === 'edit' && !canList) {
      throw new WpError('rest_forbidden_context', 'Sorry, you are not allowed to edit users.', authorizationStatus(principal));
    }
    const orderBy = params.orderby as UserOrderBy;
    if ((orderBy === 'email' || orderBy === 'registered_date') && !canList) {
      throw new WpError('rest_forbidden_orderby', 'Sorry, you are not allowed to order users by this parameter.', authorizationStatus(principal));
    }
    const perPage = params.per_page as number;
    const page = params.page as number;
    const { users, total } = await this.users.list({
      page,
      perPage,
      search: params.search as string | undefined,
      roles,
      order: params.order as 'asc' | 'desc',
      orderBy,
      // Without list_users WordPress lists only authors of published content.
      onlyPublishedAuthors: !canList,
    });
    const totalPages = Math.ceil(total / perPage);
    if (page > totalPages && total > 0) {
      throw new WpError('rest_user_invalid_page_number', 'The page number requested is larger than the number of pages available.', 400);
    }
    reply.header('X-WP-Total', String(total)).header('X-WP-TotalPages', String(totalPages));
    const links = paginationLinks(`${this.config.siteUrl}/wp-json/wp/v2/users`, request.query as Record<string, unknown>, page, totalPages);
    if (links) reply.header('Link', links);
    return users.map((user) => userResponse(user, context, this.config.siteUrl));
  }

  @RestRoute('GET', '/wp/v2/users/me', { context: contextArg() })
  @Requires({})
  me(@WpParams() params: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    return this.showUser(principal.user.id, params.context as WpContext, principal);
  }

  @RestRoute('GET', '/wp/v2/users/:id([\\d]+)', ITEM_ARGS, { allow: mayView })
  @Public()
  async get(@WpParams() params: Record<string, unknown>, @CurrentPrincipal() principal: Principal | undefined) {
    return this.showUser(params.id as number, params.context as WpContext, principal);
  }

  @RestRoute('POST', '/wp/v2/users', CREATE_ARGS, { allow: mayCreate, status: 201 })
  @Public()
  async create(@WpParams() params: Record<string, unknown>, @CurrentPrincipal() principal: Principal | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!principalCan(principal, 'create_users')) {
      throw new WpError('rest_cannot_create_user', 'Sorry, you are not allowed to create new users.', authorizationStatus(principal));
    }
    const roles = (params.roles as string[] | undefined) ?? [];
    for (const role of roles) {
      if (!isRoleName(role)) throw new WpError('rest_user_invalid_role', `The role ${role} does not exist.`, 400);
    }
    // Deliberate: a Gatehouse user has exactly one role (WordPress allows several).
    if (roles.length > 1) throw new WpError('rest_user_invalid_role', 'Gatehouse users have exactly one role.', 400);
    const user = await this.users.create({
      login: params.username as string,
      email: params.email as string,
      password: params.password as string,
      role: roles[0] as RoleName | undefined,
      name: params.name as string | undefined,
      firstName: params.first_name as string | undefined,
      lastName: params.last_name as string | undefined,
      nickname: params.nickname as string | undefined,
      description: params.description as string | undefined,
      url: params.url as string | undefined,
      locale: (params.locale as string | undefined) || undefined,
      slug: params.slug as string | undefined,
    });
    reply.header('Location', `${this.config.siteUrl}/wp-json/wp/v2/users/${user.id}`);
    return userResponse(user, 'edit', this.config.siteUrl);
  }

  private async showUser(id: number, context: WpContext, principal: Principal | undefined) {
    const user = await this.users.findById(id);
    if (!user) throw new WpError('rest_user_invalid_id', 'Invalid user ID.', 404);
    if (principal?.user.id === user.id) return userResponse(user, context, this.config.siteUrl);
    if (context === 'edit' && !principalCanEditUser(principal, user.id)) {
      throw new WpError('rest_forbidden_context', 'Sorry, you are not allowed to edit this user.', authorizationStatus(principal));
    }
    if (!principalCanEditUser(principal, user.id) && !principalCan(principal, 'list_users') && !(await this.users.hasPublishedContent(user.id))) {
      throw new WpError('rest_user_cannot_view', 'Sorry, you are not allowed to list users.', authorizationStatus(principal));
    }
    return userResponse(user, context, this.config.siteUrl);
  }
}

/**
 * WordPress's collection Link header: `prev` and `next` pages, built from the request's own query
 * (its order kept, `page` replaced in place or appended, as add_query_arg does).
 */
export function paginationLinks(base: string, query: Record<string, unknown>, page: number, totalPages: number): string | undefined {
  const withPage = (target: number) => {
    const params = new URLSearchParams();
    let placed = false;
    for (const [key, value] of Object.entries(query)) {
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      if (key === 'page') {
        params.append('page', String(target));
        placed = true;
        continue;
      }
      for (const item of values) params.append(Array.isArray(value) ? `${key}[]` : key, item);
    }
    if (!placed) params.append('page', String(target));
    return `<${base}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${withPage(Math.min(page - 1, totalPages))}; rel="prev"`);
  if (totalPages > page) links.push(`${withPage(page + 1)}; rel="next"`);
  return links.length > 0 ? links.join(', ') : undefined;
}

import { Controller, Inject, Req, Res } from '@nestjs/common';
import { authorizationStatus, CurrentPrincipal, isRoleName, principalCan, principalCanEditUser, Requires, roleHasCapability, RoleName, SensitiveRoute, WpParams } from '@gatehouse/access';
import type { Principal } from '@gatehouse/access';
import { AllowCheck, contextArg, GATEHOUSE_CONFIG, Public, RestRoute, RouteArgs, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from './entities/user.entity';
import { UpdateUserInput, UserOrderBy, UsersService } from './users.service';
import { userResponse, WpContext } from './user-response';

/** WordPress's validate_username(): what sanitize_user(…, true) leaves unchanged. */
const VALID_USERNAME = /^[A-Za-z0-9 _.\-@]+$/;

/** WordPress's check_username: what sanitize_user(…, true) leaves unchanged. */
const USERNAME_CHECK = (value: unknown) =>
  VALID_USERNAME.test(String(value)) && String(value).trim() === String(value)
    ? undefined
    : { code: 'rest_user_invalid_username', message: 'This username is invalid because it uses illegal characters. Please enter a valid username.' };

/** WordPress's check_user_password. */
const PASSWORD_CHECK = (value: unknown) => {
  const password = String(value);
  if (password.trim() === '') return { code: 'rest_user_invalid_password', message: 'Passwords cannot be empty.' };
  if (password.includes('\\')) return { code: 'rest_user_invalid_password', message: 'Passwords cannot contain the "\\" character.' };
  return undefined;
};

/**
 * The user's writable fields. Limits: the username, url and slug have wp_insert_user's rules and codes
 * (checked by UsersService); the other columns are bounded here with maxLength (rest_too_long), which
 * WordPress's own schema leaves to its database. The description is unbounded text, as in WordPress.
 */
const USER_FIELDS: RouteArgs = {
  username: { description: 'Login name for the user.', type: 'string', check: USERNAME_CHECK },
  name: { description: 'Display name for the user.', type: 'string', maxLength: 250 },
  first_name: { description: 'First name for the user.', type: 'string', maxLength: 250 },
  last_name: { description: 'Last name for the user.', type: 'string', maxLength: 250 },
  email: { description: 'The email address for the user.', type: 'string', format: 'email', maxLength: 100 },
  url: { description: 'URL of the user.', type: 'string', format: 'uri' },
  description: { description: 'Description of the user.', type: 'string' },
  locale: { description: 'Locale for the user.', type: 'string', enum: ['', 'en_US'] },
  nickname: { description: 'The nickname for the user.', type: 'string', maxLength: 250 },
  slug: { description: 'An alphanumeric identifier for the user.', type: 'string' },
  roles: { description: 'Roles assigned to the user.', type: 'array', items: { type: 'string' } },
  password: { description: 'Password for the user (never included).', type: 'string', check: PASSWORD_CHECK },
};

const CREATE_ARGS: RouteArgs = {
  ...USER_FIELDS,
  username: { ...USER_FIELDS.username, required: true },
  email: { ...USER_FIELDS.email, required: true },
  password: { ...USER_FIELDS.password, required: true },
};

const UPDATE_ARGS: RouteArgs = { id: { description: 'Unique identifier for the user.', type: 'integer' }, ...USER_FIELDS };
const UPDATE_ME_ARGS: RouteArgs = USER_FIELDS;

/**
 * WordPress's check_reassign (which replaces the integer check): a number is a user id (absint, so
 * `-3` is 3), and false, '', 'false' or null mean "delete the posts with the user".
 */
function checkReassign(value: unknown): { value: unknown } | { code: string; message: string } {
  if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))) {
    return { value: Math.abs(Math.trunc(Number(value))) };
  }
  if (value === false || value === '' || value === 'false' || value === null) return { value: false };
  return { code: 'rest_invalid_param', message: 'Invalid user parameter(s).' };
}

const DELETE_ARGS: RouteArgs = {
  force: { type: 'boolean', default: false, description: 'Required to be true, as users do not support trashing.' },
  reassign: {
    type: 'integer',
    description: "Reassign the deleted user's posts and links to this user ID.",
    required: true,
    sanitize: checkReassign,
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
const ITEM = '/wp/v2/users/:id([\\d]+)';
const ME = '/wp/v2/users/me';

/**
 * Issue 5 item 4: a credential whose policy is not full changes the login password, email or roles
 * (or deletes the account) only with an allow rule naming the route; other fields are ordinary edits.
 */
const SENSITIVE_UPDATE = { what: "the account's login password, email or roles", params: ['password', 'email', 'roles'] };
const SENSITIVE_DELETE = { what: 'the account itself' };

/** Allow-header checks: WordPress's permission callbacks, without the database. */
const mayCreate: AllowCheck = (principal) => principalCan(principal as Principal | undefined, 'create_users');
const mayEdit: AllowCheck = (principal, params) => principalCanEditUser(principal as Principal | undefined, Number(params.id));
const mayEditMe: AllowCheck = (principal) => !!principal;
const mayDelete: AllowCheck = (principal) => principalCan(principal as Principal | undefined, 'delete_users');
const mayView: AllowCheck = (principal, params) => {
  const caller = principal as Principal | undefined;
  const id = Number(params.id);
  return !!caller && (caller.user.id === id || principalCan(caller, 'list_users') || principalCanEditUser(caller, id));
};

type Params = Record<string, unknown>;

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

  @RestRoute('POST', ITEM, UPDATE_ARGS, { allow: mayEdit })
  @Public()
  @SensitiveRoute(SENSITIVE_UPDATE)
  updateByPost(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(params.id as number, params, principal, request);
  }

  @RestRoute('PUT', ITEM, UPDATE_ARGS, { allow: mayEdit })
  @Public()
  @SensitiveRoute(SENSITIVE_UPDATE)
  updateByPut(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(params.id as number, params, principal, request);
  }

  @RestRoute('PATCH', ITEM, UPDATE_ARGS, { allow: mayEdit })
  @Public()
  @SensitiveRoute(SENSITIVE_UPDATE)
  updateByPatch(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(params.id as number, params, principal, request);
  }

  @RestRoute('POST', ME, UPDATE_ME_ARGS, { allow: mayEditMe })
  @Public()
  @SensitiveRoute(SENSITIVE_UPDATE)
  updateMeByPost(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(principal?.user.id ?? 0, params, principal, request);
  }

  @RestRoute('PUT', ME, UPDATE_ME_ARGS, { allow: mayEditMe })
  @Public()
  @SensitiveRoute(SENSITIVE_UPDATE)
  updateMeByPut(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(principal?.user.id ?? 0, params, principal, request);
  }

  @RestRoute('PATCH', ME, UPDATE_ME_ARGS, { allow: mayEditMe })
  @Public()
  @SensitiveRoute(SENSITIVE_UPDATE)
  updateMeByPatch(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(principal?.user.id ?? 0, params, principal, request);
  }

  @RestRoute('DELETE', ITEM, { id: ITEM_ARGS.id, ...DELETE_ARGS }, { allow: mayDelete })
  @Public()
  @SensitiveRoute(SENSITIVE_DELETE)
  delete(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined) {
    return this.remove(params.id as number, params, principal);
  }

  @RestRoute('DELETE', ME, DELETE_ARGS, { allow: mayDelete })
  @Public()
  @SensitiveRoute(SENSITIVE_DELETE)
  deleteMe(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined) {
    return this.remove(principal?.user.id ?? 0, params, principal);
  }

  /**
   * WordPress's update_item_permissions_check then update_item: the user (404); roles need
   * promote_users (rest_cannot_edit_roles), and a request changing only roles needs nothing more;
   * anything else needs edit_user — oneself, or edit_users (rest_cannot_edit); then the email, the
   * username (not editable), the slug, the roles (check_role_update), and the write.
   */
  private async update(id: number, params: Params, principal: Principal | undefined, request: FastifyRequest) {
    const user = await this.users.findById(id);
    if (!user) throw new WpError('rest_user_invalid_id', 'Invalid user ID.', 404);
    const roles = (params.roles as string[] | undefined) ?? [];
    let rolesOnly = false;
    if (roles.length > 0) {
      if (!principalCan(principal, 'promote_users')) {
        throw new WpError('rest_cannot_edit_roles', 'Sorry, you are not allowed to edit roles of this user.', authorizationStatus(principal));
      }
      rolesOnly = Object.keys(params).every((name) => name === 'id' || name === 'roles' || params[name] === undefined);
    }
    if (!rolesOnly && !principalCanEditUser(principal, user.id)) {
      throw new WpError('rest_cannot_edit', 'Sorry, you are not allowed to edit this user.', authorizationStatus(principal));
    }
    const caller = principal as Principal;
    if (typeof params.username === 'string' && params.username !== '' && params.username !== user.login) {
      throw new WpError('rest_user_invalid_argument', 'Username is not editable.', 400);
    }
    const role = roles.length > 0 ? this.checkRoleUpdate(caller, user, roles) : undefined;
    const changes: UpdateUserInput = {
      email: params.email as string | undefined,
      name: params.name as string | undefined,
      firstName: params.first_name as string | undefined,
      lastName: params.last_name as string | undefined,
      nickname: params.nickname as string | undefined,
      description: params.description as string | undefined,
      url: params.url as string | undefined,
      locale: params.locale as string | undefined,
      slug: params.slug as string | undefined,
      password: params.password as string | undefined,
      role,
    };
    // The person changing their own password in a browser keeps that session (WordPress re-issues its cookie).
    const session = caller.method === 'cookie' && caller.user.id === user.id ? (request as { loginSession?: { id: string } }).loginSession : undefined;
    const updated = await this.users.update(user.id, changes, { keepSessionId: session?.id });
    return userResponse(updated, 'edit', this.config.siteUrl);
  }

  /** WordPress's check_role_update, for Gatehouse's one role per user. */
  private checkRoleUpdate(principal: Principal, user: User, roles: string[]): RoleName {
    for (const role of roles) {
      if (!isRoleName(role)) throw new WpError('rest_user_invalid_role', `The role ${role} does not exist.`, 400);
      // Whoever can edit users cannot give themself a role that cannot: no locking oneself out.
      if (principal.user.id === user.id && !roleHasCapability(role, 'edit_users')) {
        throw new WpError('rest_user_invalid_role', 'Sorry, you are not allowed to give users that role.', authorizationStatus(principal));
      }
    }
    // Deliberate: a Gatehouse user has exactly one role (WordPress allows several).
    if (roles.length > 1) throw new WpError('rest_user_invalid_role', 'Gatehouse users have exactly one role.', 400);
    return roles[0] as RoleName;
  }

  /** WordPress's delete_item_permissions_check then delete_item. */
  private async remove(id: number, params: Params, principal: Principal | undefined) {
    const user = await this.users.findById(id);
    if (!user) throw new WpError('rest_user_invalid_id', 'Invalid user ID.', 404);
    if (!principalCan(principal, 'delete_users')) {
      throw new WpError('rest_user_cannot_delete', 'Sorry, you are not allowed to delete this user.', authorizationStatus(principal));
    }
    if (params.force !== true) {
      throw new WpError('rest_trash_not_supported', "Users do not support trashing. Set 'force=true' to delete.", 501);
    }
    // 0 (like false) means "delete the posts with the user", as WordPress's absint/empty reading does.
    const reassign = typeof params.reassign === 'number' && params.reassign !== 0 ? params.reassign : null;
    const previous = userResponse(user, 'edit', this.config.siteUrl);
    await this.users.delete(user.id, reassign);
    return { deleted: true, previous };
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

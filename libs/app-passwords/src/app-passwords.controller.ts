import { Controller, Inject, Req, Res } from '@nestjs/common';
import { authorizationStatus, CurrentPrincipal, Grant, Principal, principalCanEditUser, SensitiveRoute, WpParams } from '@gatehouse/access';
import { AllowCheck, contextArg, GATEHOUSE_CONFIG, Public, RestRoute, RestRouteOptions, RouteArgs, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { User, UsersService } from '@gatehouse/users';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sanitizeAppName } from './app-password-format';
import { APP_PASSWORD_SCHEMA, AppPasswordContext, appPasswordResponse, appPasswordUrl } from './app-password-response';
import { AppPasswordsService } from './app-passwords.service';

// WordPress's own route patterns, so the index and OPTIONS show the same keys.
const COLLECTION = '/wp/v2/users/:user_id((?:[\\d]+|me))/application-passwords';
const ITEM = `${COLLECTION}/:uuid([\\w\\-]+)`;

const VIEW_ARGS: RouteArgs = { context: contextArg() };
const APP_ID_ARG = {
  description: 'A UUID provided by the application to uniquely identify it. It is recommended to use an UUID v5 with the URL or DNS namespace.',
  type: 'string',
  format: 'uuid',
} as const;
const NAME_ARG = { description: 'The name of the application password.', type: 'string', minLength: 1, maxLength: 200, pattern: '.*\\S.*' } as const;
const POLICY_ARG = {
  description: 'What the application password may do: {type: full|role|rules, role?, allow?, deny?, expires_at?, allowed_ips?}. On update, only a narrower policy is accepted.',
  type: 'object',
} as const;
const CREATE_ARGS: RouteArgs = { app_id: APP_ID_ARG, name: { ...NAME_ARG, required: true }, policy: POLICY_ARG };
const UPDATE_ARGS: RouteArgs = { app_id: APP_ID_ARG, name: NAME_ARG, policy: POLICY_ARG };

/** For the Allow header: WordPress's permission callbacks, without the database (an unknown user id still lists methods). */
const mayManage: AllowCheck = (principal, params) => {
  const caller = principal as Principal | undefined;
  if (!caller) return false;
  return params.user_id === 'me' || principalCanEditUser(caller, Number(params.user_id));
};
const mayIntrospect: AllowCheck = (principal, params) => {
  const caller = principal as Principal | undefined;
  return !!caller && (params.user_id === 'me' || Number(params.user_id) === caller.user.id);
};
const MANAGED: RestRouteOptions = { schema: APP_PASSWORD_SCHEMA, allow: mayManage };

type Params = Record<string, unknown>;

/**
 * `/wp/v2/users/{id|me}/application-passwords`, as WordPress core answers. Order of checks: the
 * guard validates parameters (400); then, as WordPress's permission callbacks do, availability (501),
 * the user (`me` anonymous 401, unknown 404), the caller's right over that user (401/403); then the
 * item (404).
 * Every route here manages credentials: a credential whose policy is not full reaches them only
 * through an allow rule naming them, except to look at, narrow or revoke itself.
 */
@Controller()
@Public()
@SensitiveRoute({ what: 'credentials', selfParam: 'uuid' })
export class AppPasswordsController {
  constructor(
    private readonly appPasswords: AppPasswordsService,
    private readonly users: UsersService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  @RestRoute('GET', COLLECTION, VIEW_ARGS, MANAGED)
  async list(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_list_application_passwords', 'Sorry, you are not allowed to list application passwords for this user.');
    const grants = await this.appPasswords.listActive(user.id);
    return grants.map((grant) => this.present(grant, params));
  }

  @RestRoute('POST', COLLECTION, CREATE_ARGS, { ...MANAGED, status: 201 })
  async create(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_create_application_passwords', 'Sorry, you are not allowed to create application passwords for this user.');
    const name = sanitizeAppName(String(params.name));
    if (name === '') throw new WpError('application_password_empty_name', 'An application name is required to create an application password.', 400);
    // WordPress stores an empty app_id for a missing or empty one.
    const appId = typeof params.app_id === 'string' && params.app_id !== '' ? params.app_id : undefined;
    const { grant, password } = await this.appPasswords.create(user.id, { name, appId, policy: params.policy }, { ownerRole: user.role, actor: principal });
    reply.header('Location', appPasswordUrl(this.config.siteUrl, user.id, grant.id));
    return appPasswordResponse(grant, 'edit', this.config.siteUrl, password);
  }

  @RestRoute('DELETE', COLLECTION, {}, MANAGED)
  async deleteAll(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_delete_application_passwords', 'Sorry, you are not allowed to delete application passwords for this user.');
    const count = await this.appPasswords.revokeAll(user.id);
    return { deleted: true, count };
  }

  /** Shows the authenticating password with its effective policy; any credential may look at itself. */
  @RestRoute('GET', `${COLLECTION}/introspect`, VIEW_ARGS, { schema: APP_PASSWORD_SCHEMA, allow: mayIntrospect })
  @SensitiveRoute(false)
  async introspect(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    if (principal?.user.id !== user.id) {
      throw new WpError(
        'rest_cannot_introspect_app_password_for_non_authenticated_user',
        'The authenticated application password can only be introspected for the current user.',
        authorizationStatus(principal),
      );
    }
    if (principal.grant?.kind !== 'app-password') throw new WpError('rest_no_authenticated_app_password', 'Cannot introspect application password.', 404);
    const grant = await this.appPasswords.findActive(user.id, principal.grant.id);
    // Revoked between authentication and this read: WordPress's own answer for this race is a 500.
    if (!grant) throw new WpError('rest_application_password_not_found', 'Application password not found.', 500);
    return this.present(grant, params);
  }

  @RestRoute('GET', ITEM, VIEW_ARGS, MANAGED)
  async get(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_read_application_password', 'Sorry, you are not allowed to read this application password.');
    return this.present(await this.findItem(user, params), params);
  }

  @RestRoute('POST', ITEM, UPDATE_ARGS, MANAGED)
  updateByPost(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(params, principal, request);
  }

  @RestRoute('PUT', ITEM, UPDATE_ARGS, MANAGED)
  updateByPut(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(params, principal, request);
  }

  @RestRoute('PATCH', ITEM, UPDATE_ARGS, MANAGED)
  updateByPatch(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(params, principal, request);
  }

  @RestRoute('DELETE', ITEM, {}, MANAGED)
  async delete(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_delete_application_password', 'Sorry, you are not allowed to delete this application password.');
    const grant = await this.findItem(user, params);
    // WordPress shows the deleted item in the edit context, without its links.
    const previous = appPasswordResponse(grant, 'edit', this.config.siteUrl, undefined, false);
    await this.appPasswords.revoke(grant.id);
    return { deleted: true, previous };
  }

  private async update(params: Params, principal: Principal | undefined, request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_edit_application_password', 'Sorry, you are not allowed to edit this application password.');
    const grant = await this.findItem(user, params);
    if (params.policy !== undefined) await this.appPasswords.narrowPolicy(grant, params.policy, user.role);
    // Only the name changes (app_id is fixed at creation); a name that sanitizes to nothing is ignored, as in WordPress.
    const name = typeof params.name === 'string' ? sanitizeAppName(params.name) : '';
    if (name !== '') await this.appPasswords.rename(grant, name);
    return appPasswordResponse(grant, 'edit', this.config.siteUrl);
  }

  /** WordPress's get_user(): availability (501), "me" needs a login (401), unknown user (404). */
  private async resolveUser(params: Params, principal: Principal | undefined, request: FastifyRequest): Promise<User> {
    if (this.config.env === 'production' && request.protocol !== 'https') {
      throw new WpError('application_passwords_disabled', 'Application passwords are not available.', 501);
    }
    if (params.user_id === 'me') {
      if (!principal) throw new WpError('rest_not_logged_in', 'You are not currently logged in.', 401);
      const me = await this.users.findById(principal.user.id);
      if (!me) throw new WpError('rest_user_invalid_id', 'Invalid user ID.', 404);
      return me;
    }
    const user = await this.users.findById(Number(params.user_id));
    if (!user) throw new WpError('rest_user_invalid_id', 'Invalid user ID.', 404);
    return user;
  }

  /** Anyone manages their own passwords; managing another user's needs `edit_users`. */
  private authorize(principal: Principal | undefined, user: User, code: string, message: string): void {
    if (!principalCanEditUser(principal, user.id)) throw new WpError(code, message, authorizationStatus(principal));
  }

  private async findItem(user: User, params: Params): Promise<Grant> {
    const grant = await this.appPasswords.findActive(user.id, String(params.uuid));
    if (!grant) throw new WpError('rest_application_password_not_found', 'Application password not found.', 404);
    return grant;
  }

  private present(grant: Grant, params: Params) {
    return appPasswordResponse(grant, (params.context as AppPasswordContext) ?? 'view', this.config.siteUrl);
  }
}

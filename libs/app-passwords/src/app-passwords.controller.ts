import { Controller, Inject, Res } from '@nestjs/common';
import { authorizationStatus, CurrentPrincipal, Grant, Principal, principalCanEditUser, SensitiveRoute, WpParams } from '@gatehouse/access';
import { contextArg, GATEHOUSE_CONFIG, GatehouseConfig, Public, RestRoute, RouteArgs, WpError } from '@gatehouse/core';
import { User, UsersService } from '@gatehouse/users';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Req } from '@nestjs/common';
import { AppPasswordContext, appPasswordResponse, appPasswordUrl } from './app-password-response';
import { AppPasswordsService } from './app-passwords.service';

const COLLECTION = '/wp/v2/users/:user_id(\\d+|me)/application-passwords';
const ITEM = `${COLLECTION}/:uuid([\\w\\-]+)`;

const USER_ID_ARG = { user_id: { description: 'The ID for the user, or "me".', type: 'string' } } as const;
const VIEW_ARGS: RouteArgs = { context: contextArg() };
const APP_ID_ARG = {
  description: 'A UUID provided by the application to uniquely identify it. It is recommended to use an UUID v5 with the URL or DNS namespace.',
  type: 'string',
  format: 'uuid',
} as const;
const NAME_ARG = { description: 'The name of the application password.', type: 'string', minLength: 1, pattern: '.*\\S.*' } as const;
const POLICY_ARG = {
  description: 'What the application password may do: {type: full|role|rules, role?, allow?, deny?, expires_at?, allowed_ips?}. On update, only a narrower policy is accepted.',
  type: 'object',
} as const;
const CREATE_ARGS: RouteArgs = { app_id: APP_ID_ARG, name: { ...NAME_ARG, required: true }, policy: POLICY_ARG };
const UPDATE_ARGS: RouteArgs = { app_id: APP_ID_ARG, name: NAME_ARG, policy: POLICY_ARG };

type Params = Record<string, unknown>;

/**
 * `/wp/v2/users/{id|me}/application-passwords`, as WordPress core (6.8/6.9) answers: the user is
 * resolved first (404), then the caller's right over that user (401/403), then the item (404).
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

  @RestRoute('GET', COLLECTION, VIEW_ARGS)
  async list(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_list_application_passwords', 'Sorry, you are not allowed to list application passwords for this user.');
    const grants = await this.appPasswords.listActive(user.id);
    return grants.map((grant) => this.present(grant, params));
  }

  @RestRoute('POST', COLLECTION, CREATE_ARGS)
  async create(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_create_application_passwords', 'Sorry, you are not allowed to create application passwords for this user.');
    const { grant, password } = await this.appPasswords.create(
      user.id,
      { name: String(params.name).trim(), appId: params.app_id as string | undefined, policy: params.policy },
      { ownerRole: user.role, actor: principal },
    );
    reply.status(201).header('Location', appPasswordUrl(this.config.siteUrl, user.id, grant.id));
    return appPasswordResponse(grant, 'edit', this.config.siteUrl, password);
  }

  @RestRoute('DELETE', COLLECTION)
  async deleteAll(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_delete_application_passwords', 'Sorry, you are not allowed to delete application passwords for this user.');
    const count = await this.appPasswords.revokeAll(user.id);
    return { deleted: true, count };
  }

  /** Shows the authenticating password with its effective policy; any credential may look at itself. */
  @RestRoute('GET', `${COLLECTION}/introspect`, VIEW_ARGS)
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
    const grant = principal.grant?.kind === 'app-password' ? await this.appPasswords.findActive(user.id, principal.grant.id) : null;
    if (!grant) throw new WpError('rest_no_authenticated_app_password', 'Cannot introspect application password.', 404);
    return this.present(grant, params);
  }

  @RestRoute('GET', ITEM, VIEW_ARGS)
  async get(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_read_application_password', 'Sorry, you are not allowed to read this application password.');
    return this.present(await this.findItem(user, params), params);
  }

  @RestRoute('POST', ITEM, UPDATE_ARGS)
  updateByPost(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(params, principal, request);
  }

  @RestRoute('PUT', ITEM, UPDATE_ARGS)
  updateByPut(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(params, principal, request);
  }

  @RestRoute('PATCH', ITEM, UPDATE_ARGS)
  updateByPatch(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    return this.update(params, principal, request);
  }

  @RestRoute('DELETE', ITEM)
  async delete(@WpParams() params: Params, @CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_delete_application_password', 'Sorry, you are not allowed to delete this application password.');
    const grant = await this.findItem(user, params);
    const previous = appPasswordResponse(grant, 'edit', this.config.siteUrl);
    await this.appPasswords.revoke(grant.id);
    return { deleted: true, previous };
  }

  private async update(params: Params, principal: Principal | undefined, request: FastifyRequest) {
    const user = await this.resolveUser(params, principal, request);
    this.authorize(principal, user, 'rest_cannot_edit_application_password', 'Sorry, you are not allowed to edit this application password.');
    const grant = await this.findItem(user, params);
    if (params.policy !== undefined) await this.appPasswords.narrowPolicy(grant, params.policy, user.role);
    if (typeof params.name === 'string') await this.appPasswords.rename(grant, params.name.trim());
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

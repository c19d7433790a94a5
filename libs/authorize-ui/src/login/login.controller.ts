import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { clientIp } from '@gatehouse/access';
import { GATEHOUSE_CONFIG, Public } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import type { User } from '@gatehouse/users';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { CsrfService } from '../csrf.service';
import { browserUser, formField, safeRedirectPath } from '../page-context';
import type { Notice } from '../pages/layout';
import { loginPage, messagePage, twoFactorLoginPage } from '../pages/login.pages';
import { redirect, sendPage } from '../pages/page-reply';
import { PROFILE_PATH } from '../pages/profile.pages';
import { cookieOptions, PRESESSION_COOKIE, SESSION_COOKIE } from '../sessions/session-cookie';
import { SessionsService } from '../sessions/sessions.service';
import { LoginService } from './login.service';

const LOGIN_ACTION = 'login';
const TWO_FACTOR_ACTION = 'login-two-factor';
const BAD_LOGIN = 'The username, email address or password you entered is incorrect.';

function minutes(seconds: number): string {
  const count = Math.max(1, Math.ceil(seconds / 60));
  return `${count} minute${count === 1 ? '' : 's'}`;
}

/** `/wp-login.php` (and `/login`): the login form, its two-factor step, and logout. */
@Controller()
@Public()
export class LoginController {
  constructor(
    private readonly login: LoginService,
    private readonly sessions: SessionsService,
    private readonly csrf: CsrfService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  @Get(['wp-login.php', 'login'])
  show(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const query = request.query as Record<string, unknown>;
    const notices: Notice[] = [];
    if (query.loggedout === 'true') notices.push({ kind: 'info', text: 'You are now logged out.' });
    return this.renderLogin(request, reply, { redirectTo: safeRedirectPath(query.redirect_to) ?? '', notices });
  }

  @Post(['wp-login.php', 'login'])
  async submit(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const query = request.query as Record<string, unknown>;
    if (query.action === 'logout') return this.logout(request, reply);
    const body = request.body;
    const redirectTo = safeRedirectPath(formField(body, 'redirect_to')) ?? '';
    const binding = request.cookies?.[PRESESSION_COOKIE];
    if (!binding) {
      return this.renderLogin(request, reply, { redirectTo, status: 400, notices: [{ kind: 'error', text: 'Cookies are blocked or not supported by your browser. You must enable cookies to log in.' }] });
    }
    const step = query.step === 'two-factor' ? TWO_FACTOR_ACTION : LOGIN_ACTION;
    if (!this.csrf.verify(binding, step, formField(body, '_wpnonce'))) {
      return this.renderLogin(request, reply, { redirectTo, status: 403, notices: [{ kind: 'error', text: 'The link you followed has expired. Please try again.' }] });
    }
    const ip = clientIp(request);

    if (step === TWO_FACTOR_ACTION) {
      const pending = formField(body, 'pending');
      const outcome = await this.login.checkSecondFactor(pending, formField(body, 'authcode'), ip, binding);
      switch (outcome.kind) {
        case 'expired':
          return this.renderLogin(request, reply, { redirectTo, status: 400, notices: [{ kind: 'error', text: 'Your login attempt has expired. Please log in again.' }] });
        case 'throttled':
          return this.renderThrottled(reply, outcome.retryAfter);
        case 'invalid':
          return sendPage(reply, twoFactorLoginPage({ siteName: this.config.siteName, csrf: this.csrf.token(binding, TWO_FACTOR_ACTION), redirectTo, pending, notices: [{ kind: 'error', text: 'The authentication code is not valid (or was already used).' }] }), { status: 400 });
        case 'ok':
          return this.startSession(request, reply, outcome.user, outcome.remember, redirectTo);
      }
    }

    const identifier = formField(body, 'log');
    const remember = formField(body, 'rememberme') === 'forever';
    const outcome = await this.login.checkPassword(identifier, formField(body, 'pwd'), ip, remember, binding);
    switch (outcome.kind) {
      case 'throttled':
        return this.renderThrottled(reply, outcome.retryAfter);
      case 'invalid':
        return this.renderLogin(request, reply, { redirectTo, login: identifier, status: 400, notices: [{ kind: 'error', text: BAD_LOGIN }] });
      case 'two-factor':
        return sendPage(reply, twoFactorLoginPage({ siteName: this.config.siteName, csrf: this.csrf.token(binding, TWO_FACTOR_ACTION), redirectTo, pending: outcome.pending }));
      case 'ok':
        return this.startSession(request, reply, outcome.user, remember, redirectTo);
    }
  }

  private async startSession(request: FastifyRequest, reply: FastifyReply, user: User, remember: boolean, redirectTo: string) {
    const { cookieValue, session } = await this.sessions.create(user.id, { ip: clientIp(request), userAgent: String(request.headers['user-agent'] ?? ''), remember });
    reply.setCookie(SESSION_COOKIE, cookieValue, cookieOptions(this.config, remember ? session.expiresAt : undefined));
    return redirect(reply, redirectTo || PROFILE_PATH);
  }

  private async logout(request: FastifyRequest, reply: FastifyReply) {
    const user = browserUser(request, this.csrf);
    if (user) {
      if (!this.csrf.verify(user.session.id, 'logout', formField(request.body, '_wpnonce'))) {
        return sendPage(reply, messagePage({ siteName: this.config.siteName, title: 'Log Out', notices: [{ kind: 'error', text: 'The link you followed has expired. Please try again.' }], link: { href: PROFILE_PATH, text: 'Back to your profile' } }), { status: 403 });
      }
      await this.sessions.revoke(user.session.id);
    }
    reply.clearCookie(SESSION_COOKIE, cookieOptions(this.config));
    return redirect(reply, '/wp-login.php?loggedout=true');
  }

  private renderThrottled(reply: FastifyReply, retryAfter: number) {
    return sendPage(
      reply,
      messagePage({ siteName: this.config.siteName, title: 'Log In', notices: [{ kind: 'error', text: `Too many failed login attempts. Please try again in ${minutes(retryAfter)}.` }], link: { href: '/wp-login.php', text: 'Back to the login form' } }),
      { status: 429, headers: { 'Retry-After': String(retryAfter) } },
    );
  }

  /** The form, with its CSRF token bound to the pre-session cookie (set here when the browser has none). */
  private renderLogin(request: FastifyRequest, reply: FastifyReply, options: { redirectTo: string; login?: string; status?: number; notices?: Notice[] }) {
    let binding = request.cookies?.[PRESESSION_COOKIE];
    if (!binding || !/^[A-Za-z0-9_-]{22,64}$/.test(binding)) {
      binding = randomBytes(18).toString('base64url');
      reply.setCookie(PRESESSION_COOKIE, binding, cookieOptions(this.config));
    }
    return sendPage(reply, loginPage({ siteName: this.config.siteName, csrf: this.csrf.token(binding, LOGIN_ACTION), redirectTo: options.redirectTo, login: options.login, notices: options.notices }), { status: options.status });
  }
}

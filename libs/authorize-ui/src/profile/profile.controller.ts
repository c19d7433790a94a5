import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { AppPasswordsService } from '@gatehouse/app-passwords';
import { GATEHOUSE_CONFIG, Public } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfService } from '../csrf.service';
import { html } from '../html';
import { browserUser, BrowserUser, formField } from '../page-context';
import type { Notice } from '../pages/layout';
import { messagePage } from '../pages/login.pages';
import { redirect, sendPage } from '../pages/page-reply';
import { confirmPage, enrolPage, newAppPasswordPage, profilePage, PROFILE_PATH, recoveryCodesPage } from '../pages/profile.pages';
import { SessionsService } from '../sessions/sessions.service';
import { TwoFactorService } from '../two-factor/two-factor.service';

type ProfileAction = 'create-app-password' | 'revoke-app-password' | 'revoke-all-app-passwords' | 'logout-others' | 'two-factor-begin' | 'two-factor-confirm' | 'two-factor-disable';
const ACTIONS: readonly ProfileAction[] = ['create-app-password', 'revoke-app-password', 'revoke-all-app-passwords', 'logout-others', 'two-factor-begin', 'two-factor-confirm', 'two-factor-disable'];

/** After a redirect, what the profile says happened. */
const DONE_NOTICES: Record<string, string> = {
  'revoked': 'The application password was revoked.',
  'revoked-all': 'All application passwords were revoked.',
  'logged-out-others': 'You were logged out everywhere else.',
  'two-factor-off': 'Two-factor authentication is now off.',
  'not-found': 'That application password no longer exists.',
};

/**
 * `/wp-admin/profile.php`: the person's application passwords, sessions and two-factor settings. Only a
 * login session may use it; every change is a POST with a CSRF token for that one action, and destructive
 * ones are confirmed on a page of their own first.
 */
@Controller()
@Public()
export class ProfileController {
  constructor(
    private readonly appPasswords: AppPasswordsService,
    private readonly sessions: SessionsService,
    private readonly twoFactor: TwoFactorService,
    private readonly csrf: CsrfService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  @Get('wp-admin/profile.php')
  async show(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const user = browserUser(request, this.csrf);
    if (!user) return this.refuse(request, reply);
    const query = request.query as Record<string, unknown>;
    const userId = user.principal.user.id;
    const token = (action: ProfileAction) => this.csrf.token(user.session.id, action);
    const base = { siteName: this.config.siteName, user: user.layout };

    switch (query.confirm) {
      case 'revoke-app-password': {
        const grant = await this.appPasswords.findActive(userId, String(query.uuid ?? ''));
        if (!grant) return redirect(reply, `${PROFILE_PATH}?done=not-found`);
        return sendPage(reply, confirmPage({ ...base, title: 'Revoke Application Password', question: html`Revoke the application password <strong>${grant.name}</strong>? Apps using it will stop working at once.`, action: 'revoke-app-password', fields: { uuid: grant.id }, csrf: token('revoke-app-password'), confirmLabel: 'Yes, revoke it' }));
      }
      case 'revoke-all-app-passwords':
        return sendPage(reply, confirmPage({ ...base, title: 'Revoke All Application Passwords', question: 'Revoke every one of your application passwords? Every app using one will stop working at once.', action: 'revoke-all-app-passwords', fields: {}, csrf: token('revoke-all-app-passwords'), confirmLabel: 'Yes, revoke all' }));
      case 'two-factor-disable':
        return sendPage(reply, confirmPage({ ...base, title: 'Turn Off Two-Factor Authentication', question: 'Turning two-factor off needs a fresh code.', action: 'two-factor-disable', fields: {}, csrf: token('two-factor-disable'), confirmLabel: 'Turn off two-factor authentication', codeField: true }));
    }
    if (query['two-factor'] === 'setup') {
      const enrolment = await this.twoFactor.pendingEnrolment(userId, user.principal.user.login);
      if (enrolment) return sendPage(reply, enrolPage({ ...base, enrolment, csrf: token('two-factor-confirm') }));
    }
    const done = typeof query.done === 'string' ? DONE_NOTICES[query.done] : undefined;
    return this.renderProfile(reply, user, done ? [{ kind: query.done === 'not-found' ? 'warning' : 'success', text: done }] : []);
  }

  @Post('wp-admin/profile.php')
  async submit(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const user = browserUser(request, this.csrf);
    if (!user) return this.refuse(request, reply);
    const body = request.body;
    const action = formField(body, 'action') as ProfileAction;
    if (!ACTIONS.includes(action) || !this.csrf.verify(user.session.id, action, formField(body, '_wpnonce'))) {
      return sendPage(reply, messagePage({ siteName: this.config.siteName, title: 'Profile', notices: [{ kind: 'error', text: 'The link you followed has expired. Please try again.' }], link: { href: PROFILE_PATH, text: 'Back to your profile' } }), { status: 403 });
    }
    const userId = user.principal.user.id;
    const base = { siteName: this.config.siteName, user: user.layout };

    switch (action) {
      case 'create-app-password': {
        const name = formField(body, 'name').trim();
        if (name === '' || name.length > 200) return this.renderProfile(reply, user, [{ kind: 'error', text: 'Enter a name (up to 200 characters) for the application password.' }], 400);
        const { password } = await this.appPasswords.create(userId, { name });
        return sendPage(reply, newAppPasswordPage({ ...base, name, password }));
      }
      case 'revoke-app-password': {
        const grant = await this.appPasswords.findActive(userId, formField(body, 'uuid'));
        if (!grant) return redirect(reply, `${PROFILE_PATH}?done=not-found`);
        await this.appPasswords.revoke(grant.id);
        return redirect(reply, `${PROFILE_PATH}?done=revoked`);
      }
      case 'revoke-all-app-passwords':
        await this.appPasswords.revokeAll(userId);
        return redirect(reply, `${PROFILE_PATH}?done=revoked-all`);
      case 'logout-others':
        await this.sessions.revokeOthers(userId, user.session.id);
        return redirect(reply, `${PROFILE_PATH}?done=logged-out-others`);
      case 'two-factor-begin':
        if (!(await this.twoFactor.isEnabled(userId))) await this.twoFactor.beginEnrolment(userId, user.principal.user.login);
        return redirect(reply, `${PROFILE_PATH}?two-factor=setup`);
      case 'two-factor-confirm': {
        const codes = await this.twoFactor.confirmEnrolment(userId, formField(body, 'authcode'));
        if (codes) return sendPage(reply, recoveryCodesPage({ ...base, codes }));
        const enrolment = await this.twoFactor.pendingEnrolment(userId, user.principal.user.login);
        if (!enrolment) return redirect(reply, PROFILE_PATH);
        return sendPage(reply, enrolPage({ ...base, enrolment, csrf: this.csrf.token(user.session.id, 'two-factor-confirm'), notices: [{ kind: 'error', text: 'That code is not valid. Check the time on your device and enter the code the app shows now.' }] }), { status: 400 });
      }
      case 'two-factor-disable': {
        if (await this.twoFactor.disable(userId, formField(body, 'authcode'))) return redirect(reply, `${PROFILE_PATH}?done=two-factor-off`);
        return sendPage(reply, confirmPage({ ...base, title: 'Turn Off Two-Factor Authentication', question: html`<strong>That code is not valid.</strong> Turning two-factor off needs a fresh code.`, action: 'two-factor-disable', fields: {}, csrf: this.csrf.token(user.session.id, 'two-factor-disable'), confirmLabel: 'Turn off two-factor authentication', codeField: true }), { status: 400 });
      }
    }
  }

  private async renderProfile(reply: FastifyReply, user: BrowserUser, notices: Notice[], status = 200) {
    const userId = user.principal.user.id;
    const token = (action: ProfileAction) => this.csrf.token(user.session.id, action);
    const [passwords, sessions, twoFactor] = await Promise.all([this.appPasswords.listActive(userId), this.sessions.listActive(userId), this.twoFactor.status(userId)]);
    return sendPage(
      reply,
      profilePage({
        siteName: this.config.siteName,
        user: user.layout,
        tokens: { create: token('create-app-password'), logoutOthers: token('logout-others'), twoFactorBegin: token('two-factor-begin') },
        restNonce: this.csrf.restNonce(user.session.id),
        passwords,
        sessions,
        currentSessionId: user.session.id,
        twoFactor,
        notices,
      }),
      { status },
    );
  }

  /**
   * No login session: a browser goes to the login form; a request that authenticated with an app's
   * credential is refused — an app may not change a person's two-factor settings or credentials here.
   */
  private refuse(request: FastifyRequest, reply: FastifyReply) {
    if (request.principal) {
      return sendPage(reply, messagePage({ siteName: this.config.siteName, title: 'Profile', notices: [{ kind: 'error', text: 'This page needs you to log in with your browser: an application password or token cannot be used here.' }] }), { status: 403 });
    }
    return redirect(reply, `/wp-login.php?redirect_to=${encodeURIComponent(PROFILE_PATH)}`, 302);
  }
}

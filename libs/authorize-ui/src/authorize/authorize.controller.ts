import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { GATEHOUSE_CONFIG, Public } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfService } from '../csrf.service';
import { browserUser, BrowserUser, formField } from '../page-context';
import { authorizeApprovedPage, authorizeInvalidPage, authorizePage, AUTHORIZE_PATH } from '../pages/authorize.pages';
import { messagePage } from '../pages/login.pages';
import { redirect, sendPage } from '../pages/page-reply';
import { PROFILE_PATH } from '../pages/profile.pages';
import { parseAuthorizeRequest } from './authorize-request';
import { AuthorizeService } from './authorize.service';

const CSRF_ACTION = 'authorize_application_password';

/** `/wp-admin/authorize-application.php`: the consent screen of WordPress's authorize-application flow. */
@Controller()
@Public()
export class AuthorizeController {
  constructor(
    private readonly authorize: AuthorizeService,
    private readonly csrf: CsrfService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  @Get('wp-admin/authorize-application.php')
  show(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const user = browserUser(request, this.csrf);
    // Logged-out visitors log in first and come back to the same request, as in WordPress.
    if (!user) return redirect(reply, `/wp-login.php?redirect_to=${encodeURIComponent(request.url)}`, 302);
    const { request: parsed, problems } = parseAuthorizeRequest(request.query as Record<string, unknown>, this.config.env);
    if (problems.length > 0) return sendPage(reply, authorizeInvalidPage({ siteName: this.config.siteName, user: user.layout, problems }), { status: 400 });
    const unavailable = this.unavailable(request, reply, user);
    if (unavailable) return unavailable;
    return sendPage(
      reply,
      authorizePage({ siteName: this.config.siteName, siteUrl: this.config.siteUrl, user: user.layout, csrf: this.csrf.token(user.session.id, CSRF_ACTION), request: parsed }),
      { formActionAnywhere: true },
    );
  }

  @Post('wp-admin/authorize-application.php')
  async submit(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const user = browserUser(request, this.csrf);
    if (!user) return redirect(reply, `/wp-login.php?redirect_to=${encodeURIComponent(AUTHORIZE_PATH)}`);
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!this.csrf.verify(user.session.id, CSRF_ACTION, formField(body, '_wpnonce'))) {
      return sendPage(
        reply,
        messagePage({ siteName: this.config.siteName, title: 'Cannot Authorize Application', notices: [{ kind: 'error', text: 'The link you followed has expired. Go back to the application and start again.' }] }),
        { status: 403 },
      );
    }
    // The posted fields are checked again: a form can be edited before it is sent.
    const { request: parsed, problems } = parseAuthorizeRequest(body, this.config.env);
    if (problems.length > 0) return sendPage(reply, authorizeInvalidPage({ siteName: this.config.siteName, user: user.layout, problems }), { status: 400 });
    const unavailable = this.unavailable(request, reply, user);
    if (unavailable) return unavailable;

    if (body.reject !== undefined) {
      return redirect(reply, this.authorize.reject(parsed) ?? PROFILE_PATH);
    }
    if (parsed.appName === '') {
      return sendPage(
        reply,
        authorizePage({
          siteName: this.config.siteName,
          siteUrl: this.config.siteUrl,
          user: user.layout,
          csrf: this.csrf.token(user.session.id, CSRF_ACTION),
          request: parsed,
          notices: [{ kind: 'error', text: 'An application name is required.' }],
        }),
        { status: 400, formActionAnywhere: true },
      );
    }
    const outcome = await this.authorize.approve(user.principal.user, parsed);
    if (outcome.kind === 'redirect') return redirect(reply, outcome.location);
    return sendPage(reply, authorizeApprovedPage({ siteName: this.config.siteName, user: user.layout, appName: parsed.appName, password: outcome.password }));
  }

  /** As WordPress: application passwords need HTTPS outside a local environment (501). */
  private unavailable(request: FastifyRequest, reply: FastifyReply, user: BrowserUser): FastifyReply | null {
    if (this.config.env !== 'production' || request.protocol === 'https') return null;
    return sendPage(
      reply,
      messagePage({ siteName: this.config.siteName, title: 'Cannot Authorize Application', notices: [{ kind: 'error', text: 'Application passwords are not available.' }], link: { href: PROFILE_PATH, text: `Back to ${user.layout.login}'s profile` } }),
      { status: 501 },
    );
  }
}

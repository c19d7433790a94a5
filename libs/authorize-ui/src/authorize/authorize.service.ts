import { Inject, Injectable } from '@nestjs/common';
import { AppPasswordsService, normalizeAppPassword } from '@gatehouse/app-passwords';
import { GATEHOUSE_CONFIG, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { UsersService } from '@gatehouse/users';
import { addQueryArgs, AuthorizeRequest } from './authorize-request';
import { AuthorizeCodesService } from './authorize-codes.service';

export type ApprovalOutcome = { kind: 'redirect'; location: string } | { kind: 'show-password'; password: string };

/** What approving or rejecting an authorize-application request does; the pages and the exchange endpoint call it. */
@Injectable()
export class AuthorizeService {
  constructor(
    private readonly appPasswords: AppPasswordsService,
    private readonly codes: AuthorizeCodesService,
    private readonly users: UsersService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  /**
   * Approve: with `response_type=code` a single-use code goes to success_url (the password is created at
   * the exchange); otherwise the password is created now and goes to success_url as WordPress sends it,
   * or, with no success_url, is shown on the page.
   */
  async approve(user: { id: number; login: string }, request: AuthorizeRequest): Promise<ApprovalOutcome> {
    const state: Record<string, string> = request.state !== null ? { state: request.state } : {};
    if (request.responseType === 'code' && request.successUrl && request.codeChallenge) {
      const code = await this.codes.issue({ userId: user.id, appName: request.appName, appId: request.appId }, request.codeChallenge);
      return { kind: 'redirect', location: addQueryArgs(request.successUrl, { code, ...state }) };
    }
    const { password } = await this.appPasswords.create(user.id, { name: request.appName, appId: request.appId || undefined });
    if (!request.successUrl) return { kind: 'show-password', password };
    return {
      kind: 'redirect',
      location: addQueryArgs(request.successUrl, { site_url: this.config.siteUrl, user_login: user.login, password: normalizeAppPassword(password), ...state }),
    };
  }

  /** Reject: reject_url (which defaults to success_url with success=false), else back to the profile. */
  reject(request: AuthorizeRequest): string | null {
    if (!request.rejectUrl) return null;
    return request.state !== null ? addQueryArgs(request.rejectUrl, { state: request.state }) : request.rejectUrl;
  }

  /** The code's other half: with the right verifier, the password is created and returned, once. */
  async exchange(code: string, codeVerifier: string): Promise<{ site_url: string; user_login: string; password: string; uuid: string }> {
    const consent = await this.codes.redeem(code, codeVerifier);
    const user = await this.users.findById(consent.userId);
    if (!user) throw new WpError('invalid_grant', 'The authorization code is invalid.', 400);
    const { grant, password } = await this.appPasswords.create(user.id, { name: consent.appName, appId: consent.appId || undefined });
    return { site_url: this.config.siteUrl, user_login: user.login, password: normalizeAppPassword(password), uuid: grant.id };
  }
}

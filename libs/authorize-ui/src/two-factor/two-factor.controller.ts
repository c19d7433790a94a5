import { Controller, HttpCode } from '@nestjs/common';
import { CurrentPrincipal, Requires, WpParams } from '@gatehouse/access';
import type { Principal } from '@gatehouse/access';
import { RestRoute, WpError } from '@gatehouse/core';
import { TwoFactorService } from './two-factor.service';

const ROUTE = '/gatehouse/v1/users/me/two-factor';
const CODE_ARG = { code: { description: 'A current TOTP code (or, to turn two-factor off, a recovery code).', type: 'string' } } as const;

/**
 * Two-factor settings over REST, for the logged-in browser (cookie + X-WP-Nonce) only. A request made
 * with an application password or a token is refused: a credential that exists so apps can skip the
 * second factor must not be able to turn it off, or on.
 */
@Controller()
@Requires({})
export class TwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @RestRoute('GET', ROUTE)
  async status(@CurrentPrincipal() principal: Principal) {
    const status = await this.twoFactor.status(principal.user.id);
    return { enabled: status.enabled, pending: status.pending, recovery_codes_left: status.recoveryCodesLeft };
  }

  /** Without `code`: starts enrolment (new secret). With `code`: confirms it and returns the recovery codes, once. */
  @RestRoute('POST', ROUTE, CODE_ARG)
  @HttpCode(200)
  async enable(@WpParams() params: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    requireSession(principal);
    if (await this.twoFactor.isEnabled(principal.user.id)) {
      throw new WpError('rest_two_factor_already_enabled', 'Two-factor authentication is already on.', 409);
    }
    if (typeof params.code !== 'string' || params.code === '') {
      const enrolment = await this.twoFactor.beginEnrolment(principal.user.id, principal.user.login);
      return { enabled: false, secret: enrolment.secret, otpauth_url: enrolment.otpauthUrl, qr_code: enrolment.qrDataUrl };
    }
    const codes = await this.twoFactor.confirmEnrolment(principal.user.id, params.code);
    if (!codes) throw new WpError('rest_two_factor_invalid_code', 'The authentication code is not valid.', 400);
    return { enabled: true, recovery_codes: codes };
  }

  @RestRoute('DELETE', ROUTE, { code: { ...CODE_ARG.code, required: true } })
  async disable(@WpParams() params: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    requireSession(principal);
    if (!(await this.twoFactor.disable(principal.user.id, String(params.code)))) {
      throw new WpError('rest_two_factor_invalid_code', 'The authentication code is not valid.', 400);
    }
    return { enabled: false };
  }
}

function requireSession(principal: Principal): void {
  if (principal.method !== 'cookie') {
    throw new WpError('rest_two_factor_requires_login', 'Two-factor settings can only be changed from a logged-in browser session, not with an application password or token.', 403);
  }
}

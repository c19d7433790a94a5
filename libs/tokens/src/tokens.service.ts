import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Grant, GrantUsageService, parseBasicCredentials, Principal } from '@gatehouse/access';
import { APP_PASSWORD_LENGTH, AppPasswordsService, normalizeAppPassword } from '@gatehouse/app-passwords';
import { Clock, GATEHOUSE_CONFIG, isUuidIgnoringCase, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { UsersService } from '@gatehouse/users';
import type { Repository } from 'typeorm';
import { AccessTokensService, TokenUser, tokenUser } from './access-tokens.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { TokenErrors } from './token-errors';
import { isJwtShaped, isWellFormedRefreshToken } from './token-format';

/** The body of a successful `POST /wp/v2/token`, as jwt-auth answers it (plus rotation). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds until the access token expires. */
  exp: number;
  refresh_token: string;
  data: { user: TokenUser };
}

export interface TokenRequest {
  apiKey?: string;
  apiSecret?: string;
  refreshToken?: string;
  /** The request's Authorization header, read here rather than by the guard (see the controller). */
  authorization?: string;
  ip: string;
  /** Whether the request came over HTTPS (directly or through a trusted proxy). */
  secure: boolean;
}

const APP_PASSWORD_SHAPE = new RegExp(`^[A-Za-z0-9]{${APP_PASSWORD_LENGTH}}$`);

/**
 * `POST /wp/v2/token`: an application password (as api_key + api_secret, or HTTP Basic) or a refresh
 * token in, an access token and a new refresh token out. Order: refresh_token, then the key pair in
 * the body, then Basic; anything else (a login name and password, nothing) needs a key pair.
 */
@Injectable()
export class TokensService {
  constructor(
    @InjectRepository(Grant) private readonly grants: Repository<Grant>,
    private readonly appPasswords: AppPasswordsService,
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokensService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly usage: GrantUsageService,
    private readonly clock: Clock,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  async issue(request: TokenRequest): Promise<TokenResponse> {
    // Tokens stand in for an application password: unavailable where it is (production over plain HTTP).
    if (this.config.env === 'production' && !request.secure) {
      throw new WpError('application_passwords_disabled', 'Application passwords are not available.', 501);
    }
    if (request.refreshToken !== undefined) return this.refresh(request.refreshToken, request.ip);
    let principal: Principal;
    if (request.apiKey !== undefined || request.apiSecret !== undefined) {
      if (!request.apiKey || !request.apiSecret) throw TokenErrors.keyPairRequired();
      principal = await this.authenticateKeyPair(request.apiKey, request.apiSecret);
    } else if (request.authorization && /^basic\s/i.test(request.authorization)) {
      principal = await this.authenticateBasic(request.authorization);
    } else {
      throw TokenErrors.keyPairRequired();
    }
    const grant = principal.grant;
    if (!grant) throw TokenErrors.invalidKeyPair();
    await this.usage.record(grant, request.ip, this.clock.now());
    const { refreshToken, familyId } = await this.refreshTokens.startFamily(grant.id);
    return this.respond(principal, familyId, refreshToken);
  }

  private async refresh(token: string, ip: string): Promise<TokenResponse> {
    if (isJwtShaped(token)) throw TokenErrors.refreshType();
    if (!isWellFormedRefreshToken(token)) throw TokenErrors.invalidRefresh();
    const rotated = await this.refreshTokens.rotate(token);
    if (rotated.principal.grant) await this.usage.record(rotated.principal.grant, ip, this.clock.now());
    return this.respond(rotated.principal, rotated.familyId, rotated.refreshToken);
  }

  /** api_key is the application password's uuid, api_secret the password (spaces optional). */
  private async authenticateKeyPair(apiKey: string, apiSecret: string): Promise<Principal> {
    if (!isUuidIgnoringCase(apiKey)) throw TokenErrors.invalidKeyPair();
    const grant = await this.grants.findOneBy({ id: apiKey.toLowerCase(), kind: 'app-password' });
    if (!grant) throw TokenErrors.invalidKeyPair();
    if (grant.revokedAt) throw TokenErrors.revokedKeyPair();
    const user = await this.users.findById(grant.userId);
    if (!user) throw TokenErrors.invalidKeyPair();
    const principal = await this.viaAppPassword(user.login, apiSecret);
    // The secret of another of the user's passwords does not unlock this one.
    if (principal.grant?.id !== grant.id) throw TokenErrors.invalidKeyPair();
    return principal;
  }

  /**
   * `Basic user:application-password`. What is not shaped like an application password is a login
   * password (or nothing useful): it is refused as such without being checked, so this endpoint is
   * no oracle for login passwords.
   */
  private async authenticateBasic(header: string): Promise<Principal> {
    const { username, password } = parseBasicCredentials(header);
    if (!APP_PASSWORD_SHAPE.test(normalizeAppPassword(password))) throw TokenErrors.keyPairRequired();
    return this.viaAppPassword(username, password);
  }

  private async viaAppPassword(login: string, password: string): Promise<Principal> {
    try {
      return await this.appPasswords.authenticate(login, password);
    } catch (error) {
      if (error instanceof WpError && error.getStatus() === 401) throw TokenErrors.invalidKeyPair();
      throw error;
    }
  }

  private async respond(principal: Principal, familyId: string, refreshToken: string): Promise<TokenResponse> {
    const { token, expiresIn } = await this.accessTokens.mint(principal, familyId);
    return { access_token: token, token_type: 'Bearer', exp: expiresIn, refresh_token: refreshToken, data: { user: tokenUser(principal) } };
  }
}

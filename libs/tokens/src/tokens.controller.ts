import { Controller, Get, Header, HttpCode, Req, Res } from '@nestjs/common';
import { CurrentPrincipal, Principal, SkipHeaderAuthentication, WpParams, clientIp } from '@gatehouse/access';
import { Clock, Public, RestRoute, RouteArgs } from '@gatehouse/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { epochSeconds } from './epoch-seconds';
import { SigningKeysService } from './signing-keys.service';
import { TokenErrors } from './token-errors';
import { TokensService } from './tokens.service';

const TOKEN_ARGS: RouteArgs = {
  api_key: { description: 'The application password\'s uuid.', type: 'string' },
  api_secret: { description: 'The application password (spaces optional).', type: 'string' },
  refresh_token: { description: 'A refresh token from an earlier answer; it is used up by this request.', type: 'string' },
};

/** Verifiers cache the key set briefly; a new key appears well before tokens it signed expire. */
const JWKS_CACHE = 'public, max-age=60';

/**
 * The jwt-auth endpoints. `POST /token` reads its credentials itself (`@SkipHeaderAuthentication`):
 * a Basic header there is the credential being exchanged, so a bad one must get this endpoint's 403
 * codes (and a login password `required_api_key_secret`), not the guard's 401 for Basic requests.
 */
@Controller()
@Public()
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly keys: SigningKeysService,
    private readonly clock: Clock,
  ) {}

  @RestRoute('POST', '/wp/v2/token', TOKEN_ARGS)
  @SkipHeaderAuthentication()
  @HttpCode(200)
  async token(@WpParams() params: Record<string, unknown>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    // RFC 6749 §5.1: token responses are never cached.
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    return this.tokens.issue({
      apiKey: params.api_key as string | undefined,
      apiSecret: params.api_secret as string | undefined,
      refreshToken: params.refresh_token as string | undefined,
      authorization: request.headers.authorization,
      ip: clientIp(request),
      secure: request.protocol === 'https',
    });
  }

  @RestRoute('GET', '/wp/v2/token/validate')
  validate(@CurrentPrincipal() principal: Principal | undefined, @Req() request: FastifyRequest) {
    const token = request.accessToken;
    if (principal?.method !== 'jwt' || !token) throw TokenErrors.noToken();
    return {
      code: 'rest_authentication_valid_access_token',
      message: 'Valid access token.',
      // The effective policy of the token's grant, so an app can tell what it may do.
      data: { status: 200, exp: Math.max(0, token.exp - epochSeconds(this.clock.now())), policy: principal.policy },
    };
  }

  @RestRoute('GET', '/gatehouse/v1/jwks')
  @Header('Cache-Control', JWKS_CACHE)
  jwks() {
    return this.keys.jwks();
  }
}

/** The same key set where OAuth and OpenID verifiers look for it, outside /wp-json. */
@Controller()
@Public()
export class WellKnownJwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('.well-known/jwks.json')
  @Header('Cache-Control', JWKS_CACHE)
  jwks() {
    return this.keys.jwks();
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { GATEHOUSE_CONFIG, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy as PassportJwtStrategy } from 'passport-jwt';
import { AccessTokensService } from '../access-tokens.service';
import { SIGNING_ALGORITHM, SigningKeysService } from '../signing-keys.service';
import { TokenErrors } from '../token-errors';
import { isRefreshTokenShaped } from '../token-format';

export const JWT_STRATEGY = 'jwt';

const fromBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/** Tokens whose signature, algorithm, issuer and audience already passed, with the key that signed them. */
const VERIFIED_TOKENS_MAX = 10_000;
interface VerifiedToken {
  payload: unknown;
  kid: string;
}

/**
 * passport-jwt reports every refusal through `fail(info)` with jsonwebtoken's error; the access
 * guard wants a WpError with the jwt-auth code (a `fail` would read as a malformed header).
 */
export function bearerFailure(info: unknown): WpError {
  if (info instanceof WpError) return info;
  const error = info as { name?: string; message?: string } | undefined;
  const message = error?.message ?? '';
  if (error?.name === 'TokenExpiredError') return TokenErrors.expired();
  if (message === 'No auth token') return TokenErrors.noToken();
  if (message.startsWith('jwt issuer invalid')) return TokenErrors.issuer();
  if (message.startsWith('jwt audience invalid')) return TokenErrors.malformed('The token is not meant for this site.');
  if (message === 'invalid signature') return TokenErrors.malformed('The token signature is invalid.');
  if (message === 'invalid algorithm' || message === 'jwt signature is required') return TokenErrors.malformed('The token algorithm is not accepted.');
  return TokenErrors.malformed();
}

/** The protected header of a compact JWS, without trusting anything in it yet. */
function protectedHeader(token: string): { alg?: unknown; kid?: unknown } | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
    return header && typeof header === 'object' ? (header as { alg?: unknown; kid?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `Authorization: Bearer <access token>` through passport-jwt: only ES256 (no `none`, no HMAC, no
 * other), the key chosen by `kid` among ours, issuer and audience checked by jsonwebtoken. Time
 * claims are checked in the verify callback against the injected Clock (jsonwebtoken reads the
 * system clock), with the same 30 s leeway; then the grant must still be active.
 */
@Injectable()
export class JwtStrategy extends PassportJwtStrategy {
  /**
   * A client sends the same token for its whole life: what passport-jwt established about those exact
   * bytes (a pure function of the token and our keys) is remembered, so a repeat costs a map lookup
   * instead of an ECDSA verification. Everything that changes with time or state — expiry, not-before,
   * the key's retention, the grant, the family — is still checked on every request.
   */
  private readonly verifiedTokens: Map<string, VerifiedToken>;

  constructor(
    private readonly keys: SigningKeysService,
    private readonly accessTokens: AccessTokensService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {
    const verifiedTokens = new Map<string, VerifiedToken>();
    super(
      {
        jwtFromRequest: fromBearer,
        secretOrKeyProvider: (_request: unknown, rawToken: string, done: (error: unknown, key?: string | Buffer) => void) => {
          const header = protectedHeader(rawToken);
          if (!header) return done(TokenErrors.malformed());
          if (header.alg !== SIGNING_ALGORITHM) return done(TokenErrors.malformed('The token algorithm is not accepted.'));
          if (typeof header.kid !== 'string') return done(TokenErrors.malformed('The token names no signing key.'));
          keys.verificationKey(header.kid).then(
            // jsonwebtoken takes a KeyObject; passport-jwt's types only name strings and Buffers.
            (key) => (key ? done(null, key as unknown as Buffer) : done(TokenErrors.malformed('The token signature is invalid.'))),
            (error: unknown) => done(error),
          );
        },
        algorithms: [SIGNING_ALGORITHM],
        issuer: accessTokens.issuer,
        audience: accessTokens.audience,
        ignoreExpiration: true,
        jsonWebTokenOptions: { ignoreNotBefore: true },
        passReqToCallback: true,
      },
      (request: FastifyRequest, payload: unknown, done: (error: unknown, principal?: unknown) => void) => {
        const token = fromBearer(request);
        const kid = token ? protectedHeader(token)?.kid : undefined;
        if (token && typeof kid === 'string') {
          if (verifiedTokens.size >= VERIFIED_TOKENS_MAX) verifiedTokens.clear();
          verifiedTokens.set(token, { payload, kid });
        }
        accessTokens.principalFor(payload).then(
          ({ principal, token }) => {
            request.accessToken = token;
            done(null, principal);
          },
          (error: unknown) => done(error),
        );
      },
    );
    this.name = JWT_STRATEGY;
    this.verifiedTokens = verifiedTokens;
  }


  // Passport hands over whatever request object the framework has: Fastify's, here.
  override authenticate(raw: unknown, options?: object): void {
    const request = raw as Parameters<PassportJwtStrategy['authenticate']>[0];
    // As application passwords (the Basic strategy), tokens are ignored over plain HTTP in production.
    if (this.config.env === 'production' && (raw as FastifyRequest).protocol !== 'https') return this.pass();
    const token = fromBearer(request);
    if (token && isRefreshTokenShaped(token)) return this.error(TokenErrors.bearerType());
    const known = token ? this.verifiedTokens.get(token) : undefined;
    if (known && this.keys.isUsable(known.kid)) {
      this.accessTokens.principalFor(known.payload).then(
        ({ principal, token: verified }) => {
          (raw as FastifyRequest).accessToken = verified;
          this.success(principal);
        },
        (error: unknown) => this.error(error as Error),
      );
      return;
    }
    // Passport gives each request its own object inheriting from the strategy; one more layer routes
    // passport-jwt's `fail` to `error` with the mapped WpError.
    const scoped = Object.create(this) as this;
    scoped.fail = ((info: unknown) => this.error(bearerFailure(info))) as this['fail'];
    PassportJwtStrategy.prototype.authenticate.call(scoped, request, options);
  }
}

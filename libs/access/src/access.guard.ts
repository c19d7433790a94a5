import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Clock, Public, RestRouteMetadata, validateRouteArgs, WpError } from '@gatehouse/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import passport from 'passport';
import { Requires, SkipHeaderAuthentication } from './access.decorators';
import { authorizationStatus, principalCan } from './capabilities';
import { authorizationScheme, MAX_AUTHORIZATION_LENGTH, malformedAuthorization } from './authorization-header';
import { clientIp } from './client-ip';
import { CredentialSchemes } from './credential-schemes';
import { GrantUsageService } from './grant-usage.service';
import type { Principal } from './principal';

/**
 * The one global guard. Order of checks, as WordPress serves a request:
 *   1. authentication — the Authorization scheme picks one Passport strategy; bad credentials are a
 *      401 with the strategy's code (never anonymous), a malformed header a 400; a route marked
 *      `@SkipHeaderAuthentication()` reads its credentials itself and is reached anonymous. With no
 *      Authorization header, the registered fallback strategy (the login session cookie) runs
 *      instead; it leaves the request anonymous when it finds nothing it can use;
 *   2. usage — the grant's last use and IP are recorded (at most once a minute);
 *   3. parameters — validated against the route's declared arguments (400);
 *   4. the route's requirement — `@Public()` (the service decides) or `@Requires(...)`; a route with
 *      neither is refused: default deny.
 * Which *rows* a caller may touch is the services' business, not this guard's.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly schemes: CredentialSchemes,
    private readonly usage: GrantUsageService,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const targets = [context.getHandler(), context.getClass()];

    const principal = this.reflector.getAllAndOverride(SkipHeaderAuthentication, targets)
      ? undefined
      : await this.authenticate(request, reply);
    request.principal = principal;
    request.credentialsChecked = true;
    if (principal?.grant) await this.usage.record(principal.grant, clientIp(request), this.clock.now());

    const route = this.reflector.get(RestRouteMetadata, context.getHandler());
    if (route) request.wpParams = validateRouteArgs(route.args, collectParams(request));

    const requirement = this.reflector.getAllAndOverride(Requires, targets);
    if (requirement) {
      if (!principal) {
        throw new WpError('rest_not_logged_in', 'You are not currently logged in.', 401);
      }
      if (requirement.capability && !principalCan(principal, requirement.capability)) {
        throw new WpError(
          requirement.code ?? 'rest_forbidden',
          requirement.message ?? 'Sorry, you are not allowed to do that.',
          authorizationStatus(principal),
        );
      }
      return true;
    }
    if (this.reflector.getAllAndOverride(Public, targets)) return true;
    throw new WpError('rest_forbidden', 'Sorry, you are not allowed to do that.', authorizationStatus(principal));
  }

  private async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Principal | undefined> {
    const header = request.headers.authorization;
    let strategy: string | undefined;
    if (header === undefined || header === '') {
      // An explicit credential always wins; only a request without one falls back to the cookie.
      strategy = this.schemes.fallbackStrategy();
    } else {
      if (header.length > MAX_AUTHORIZATION_LENGTH) throw malformedAuthorization('it is too long.');
      strategy = this.schemes.strategyFor(authorizationScheme(header));
    }
    // An unknown scheme is not ours to judge (WordPress ignores it too): the request stays anonymous.
    if (!strategy) return undefined;
    return new Promise<Principal | undefined>((resolve, reject) => {
      const done = (error: unknown, principal: Principal | false) => {
        if (error) reject(error);
        else if (!principal) reject(malformedAuthorization('the credentials could not be read.'));
        else resolve(principal);
      };
      // A strategy that passes (credentials it must ignore, e.g. over plain HTTP in production) leaves the request anonymous.
      const passed = (error?: unknown) => (error ? reject(error) : resolve(undefined));
      passport.authenticate(strategy, { session: false }, done)(request, reply.raw, passed);
    });
  }
}

/** Path parameters win over body and query: a body must not redirect a request to another row. */
function collectParams(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  const bodyParams = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  return {
    ...(request.query as Record<string, unknown>),
    ...bodyParams,
    ...(request.params as Record<string, unknown>),
  };
}

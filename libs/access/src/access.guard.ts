import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Clock, Public, RestRouteDefinition, RestRouteMetadata, validateRouteArgs } from '@gatehouse/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Requirement, Requires, SensitiveRoute, SensitiveRouteOptions, SkipHeaderAuthentication } from './access.decorators';
import { decideAccess } from './access-rules';
import { authorizationScheme, MAX_AUTHORIZATION_LENGTH, malformedAuthorization } from './authorization-header';
import { clientIp } from './client-ip';
import { CredentialSchemes } from './credential-schemes';
import { GrantUsageService } from './grant-usage.service';
import type { Principal } from './principal';
import { canonicalRestPath, normalizeRoutePath } from './route-rules';

/**
 * The one global guard. Order of checks:
 *   1. authentication — the Authorization scheme picks one Passport strategy; bad credentials are a
 *      401 with the strategy's code (never anonymous), a malformed header a 400; a route marked
 *      `@SkipHeaderAuthentication()` reads its credentials itself and is reached anonymous. With no
 *      Authorization header, the registered fallback strategy (the login session cookie) runs
 *      instead; it leaves the request anonymous when it finds nothing it can use;
 *   2. usage — the grant's last use and IP are recorded (at most once a minute);
 *   3. parameters — validated against the route's declared arguments (400);
 *   4. access — expiry, IP, the route's `@Requires`/`@Public()` (default deny), the credential's role,
 *      rules and sensitive routes, in the order access-rules.ts states and decides.
 * Which *rows* a caller may touch is the services' business, not this guard's.
 */
/** What the decorators say about one handler: read once, not on every request. */
interface HandlerAccess {
  owner: object;
  skipHeaderAuthentication: boolean;
  route: RestRouteDefinition | undefined;
  requirement: Requirement | undefined;
  isPublic: boolean;
  sensitive: SensitiveRouteOptions | undefined;
}

@Injectable()
export class AccessGuard implements CanActivate {
  private readonly handlers = new WeakMap<object, HandlerAccess>();

  constructor(
    private readonly reflector: Reflector,
    private readonly schemes: CredentialSchemes,
    private readonly usage: GrantUsageService,
    private readonly clock: Clock,
  ) {}

  /** Decorator metadata is fixed once the application has started: cached per handler (and its class). */
  private handlerAccess(context: ExecutionContext): HandlerAccess {
    const handler = context.getHandler();
    const owner = context.getClass();
    const known = this.handlers.get(handler);
    if (known && known.owner === owner) return known;
    const targets = [handler, owner];
    const access: HandlerAccess = {
      owner,
      skipHeaderAuthentication: this.reflector.getAllAndOverride(SkipHeaderAuthentication, targets) ?? false,
      route: this.reflector.get(RestRouteMetadata, handler),
      requirement: this.reflector.getAllAndOverride(Requires, targets),
      isPublic: this.reflector.getAllAndOverride(Public, targets) ?? false,
      sensitive: this.reflector.getAllAndOverride(SensitiveRoute, targets) || undefined,
    };
    this.handlers.set(handler, access);
    return access;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const access = this.handlerAccess(context);

    const principal = access.skipHeaderAuthentication ? undefined : await this.authenticate(request, reply);
    request.principal = principal;
    request.credentialsChecked = true;
    const ip = clientIp(request);
    const now = this.clock.now();
    if (principal?.grant && this.usage.due(principal.grant, now)) await this.usage.record(principal.grant, ip, now);

    const route = access.route;
    if (route) request.wpParams = validateRouteArgs(route.args, collectParams(request));

    decideAccess({
      principal,
      method: request.method,
      path: route ? routePath(route.route, request.params as Record<string, unknown>) : canonicalRestPath(request.originalUrl ?? request.url),
      ip,
      now,
      params: request.wpParams ?? {},
      requirement: access.requirement,
      isPublic: access.isPublic,
      sensitive: access.sensitive,
    });
    return true;
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
      this.schemes.authenticator.authenticate(strategy, { session: false }, done)(request, reply.raw, passed);
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

const ROUTE_PARAM = /:([A-Za-z_][A-Za-z0-9_]*)(?:\(((?:[^()]|\([^()]*\))*)\))?/g;

/**
 * The canonical path of a request to a declared route, rebuilt from the route the router matched and
 * the parameters it extracted: whatever spelling reached the handler (`?rest_route=`, `%2F`, case,
 * trailing slashes), rules see the route that actually runs. Parameters are normalised with it, so a
 * decoded `/` or `..` inside one cannot fake another route.
 */
export function routePath(route: string, params: Record<string, unknown>): string | null {
  const filled = route.replace(ROUTE_PARAM, (_match, name: string) => String(params[name] ?? ''));
  return normalizeRoutePath(filled);
}

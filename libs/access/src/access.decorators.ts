import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';

export interface Requirement {
  /** Primitive capability the caller must hold (e.g. `create_users`); omitted: any logged-in user. */
  capability?: string;
  /** WordPress's code and message for the refusal. */
  code?: string;
  message?: string;
}

/**
 * The route needs a logged-in caller, optionally holding a capability. Read by the access guard,
 * which checks the user's capabilities and then the credential's policy (role, rules, expiry, IP).
 */
export const Requires = Reflector.createDecorator<Requirement>();

export interface SensitiveRouteOptions {
  /** What the route touches, named in the refusal, e.g. `credentials` or `the account's login password`. */
  what: string;
  /** Path parameter naming the credential acted on: a credential acting on itself is not sensitive. */
  selfParam?: string;
  /** Sensitive only when the request carries one of these parameters (e.g. `password`, `email`, `roles`). */
  params?: string[];
}

/**
 * Marks a route that manages credentials or account security. A credential whose policy is not
 * `full` may call it only with an allow rule that names the route (see access-rules.ts). `false` on a
 * handler exempts it from a class-level marker.
 */
export const SensitiveRoute = Reflector.createDecorator<SensitiveRouteOptions | false>();

/**
 * The route reads its credentials itself (e.g. `POST /wp/v2/token`, which takes an application
 * password in Basic or in the body and must answer its own codes): the guard leaves the
 * Authorization header alone and the request reaches the route anonymous. Combine with `@Public()`.
 */
export const SkipHeaderAuthentication = Reflector.createDecorator<true>({ transform: () => true });

/** The authenticated principal of this request, or undefined when anonymous. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal | undefined => {
  return context.switchToHttp().getRequest<FastifyRequest>().principal;
});

/** The route's parameters after validation against its declared arguments. */
export const WpParams = createParamDecorator((_data: unknown, context: ExecutionContext): Record<string, unknown> => {
  return context.switchToHttp().getRequest<FastifyRequest>().wpParams ?? {};
});

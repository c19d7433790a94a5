import { applyDecorators, HttpCode, RequestMapping, RequestMethod } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { RouteArgs } from './arg-schema';

export type RestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Whether the caller may use one method of a route, for the `Allow` header WordPress sends (it lists
 * only the methods whose permission check passes). `principal` is the request's principal (undefined
 * when anonymous; typed loosely because core does not know the access lib); `params` are the path's.
 * Must be cheap and synchronous: it runs on every response of its route.
 */
export type AllowCheck = (principal: unknown, params: Record<string, string>) => boolean;

export interface RestRouteOptions {
  /** The route's item schema, shown by OPTIONS (WordPress's `schema`). */
  schema?: Record<string, unknown>;
  /** Omitted: the method is always listed in `Allow`. */
  allow?: AllowCheck;
  /** Success status (default 200 for every method, as WordPress; 201 for creations). */
  status?: number;
}

export interface RestRouteDefinition extends RestRouteOptions {
  method: RestMethod;
  /** WordPress route below /wp-json, with `:name(regex)` parameters, e.g. `/wp/v2/users/:id([\d]+)`. */
  route: string;
  args: RouteArgs;
}

/** Metadata read by the route registry (index, OPTIONS) and by the guard (argument validation). */
export const RestRouteMetadata = Reflector.createDecorator<RestRouteDefinition>();

/** Open to anonymous callers at the guard; the service still decides what they see. */
export const Public = Reflector.createDecorator<true>({ transform: () => true });

export const ROUTE_PARAM = /:([A-Za-z_][A-Za-z0-9_]*)(?:\(((?:[^()]|\([^()]*\))*)\))?/g;

/** `/wp/v2/users/:id([\d]+)` → fastify's `/wp-json/wp/v2/users/:id(^(?:[\d]+)$)`. */
export function toFastifyPath(route: string): string {
  return '/wp-json' + route.replace(ROUTE_PARAM, (_m, name: string, regex?: string) => (regex ? `:${name}(^(?:${regex})$)` : `:${name}`));
}

/** `/wp/v2/users/:id([\d]+)` → WordPress's `/wp/v2/users/(?P<id>[\d]+)`, as shown in the index. */
export function toWordPressPattern(route: string): string {
  return route.replace(ROUTE_PARAM, (_m, name: string, regex?: string) => `(?P<${name}>${regex ?? '[^/]+'})`);
}

/** Declares a WordPress REST endpoint: its method, route and arguments, in one place. */
export function RestRoute(method: RestMethod, route: string, args: RouteArgs = {}, options: RestRouteOptions = {}): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: toFastifyPath(route), method: RequestMethod[method] }),
    // Nest would answer POST with 201 and overwrite any status a handler sets: the route says it.
    HttpCode(options.status ?? 200),
    RestRouteMetadata({ method, route, args, ...options }),
  );
}

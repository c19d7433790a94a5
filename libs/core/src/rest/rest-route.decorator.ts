import { applyDecorators, HttpCode, RequestMapping, RequestMethod } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { RouteArgs } from './arg-schema';

export type RestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestRouteDefinition {
  method: RestMethod;
  /** WordPress route below /wp-json, with `:name(regex)` parameters, e.g. `/wp/v2/users/:id(\d+)`. */
  route: string;
  args: RouteArgs;
}

/** Metadata read by the route registry (index, OPTIONS) and by the guard (argument validation). */
export const RestRouteMetadata = Reflector.createDecorator<RestRouteDefinition>();

/** Open to anonymous callers at the guard; the service still decides what they see. */
export const Public = Reflector.createDecorator<true>({ transform: () => true });

const PARAM = /:([A-Za-z_][A-Za-z0-9_]*)(?:\(((?:[^()]|\([^()]*\))*)\))?/g;

/** `/wp/v2/users/:id(\d+)` → fastify's `/wp-json/wp/v2/users/:id(^(?:\d+)$)`. */
export function toFastifyPath(route: string): string {
  return '/wp-json' + route.replace(PARAM, (_m, name: string, regex?: string) => (regex ? `:${name}(^(?:${regex})$)` : `:${name}`));
}

/** `/wp/v2/users/:id(\d+)` → WordPress's `/wp/v2/users/(?P<id>\d+)`, as shown in the index. */
export function toWordPressPattern(route: string): string {
  return route.replace(PARAM, (_m, name: string, regex?: string) => `(?P<${name}>${regex ?? '[^/]+'})`);
}

/**
 * Declares a WordPress REST endpoint: its method, route and arguments, in one place. Answers 200
 * whatever the method (WordPress updates with POST); a creating handler sets 201 itself.
 */
export function RestRoute(method: RestMethod, route: string, args: RouteArgs = {}): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: toFastifyPath(route), method: RequestMethod[method] }),
    HttpCode(200),
    RestRouteMetadata({ method, route, args }),
  );
}

import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { RouteArgs } from './arg-schema';
import { AllowCheck, RestMethod, RestRouteDefinition, RestRouteMetadata, ROUTE_PARAM, toWordPressPattern } from './rest-route.decorator';

export interface RegisteredEndpoint {
  methods: RestMethod[];
  args: RouteArgs;
}

export interface RegisteredRoute {
  /** WordPress form, e.g. `/wp/v2/users/(?P<id>[\d]+)`. */
  pattern: string;
  namespace: string;
  methods: RestMethod[];
  endpoints: RegisteredEndpoint[];
  /** Matches a concrete path below /wp-json; named groups are the path parameters. */
  matcher: RegExp;
  schema?: Record<string, unknown>;
  allow: Map<RestMethod, AllowCheck | undefined>;
}

export interface RouteMatch {
  route: RegisteredRoute;
  params: Record<string, string>;
}

const MATCH_CACHE_MAX = 1_000;

function namespaceOf(route: string): string {
  const [vendor, version] = route.split('/').filter(Boolean);
  return version !== undefined ? `${vendor}/${version}` : '';
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `/users/:id([\d]+)` → `^/users/(?<id>(?:[\d]+))/?$`, case-insensitive like WordPress's route matching. */
export function compileMatcher(route: string): RegExp {
  let source = '';
  let last = 0;
  for (const match of route.matchAll(new RegExp(ROUTE_PARAM.source, 'g'))) {
    source += escapeLiteral(route.slice(last, match.index)) + `(?<${match[1]}>(?:${match[2] ?? '[^/]+'}))`;
    last = (match.index ?? 0) + match[0].length;
  }
  source += escapeLiteral(route.slice(last));
  return new RegExp(`^${source}/?$`, 'i');
}

/**
 * Every REST route declared with `@RestRoute`, collected at boot, in declaration order (as WordPress
 * lists routes in registration order): the source of the `/wp-json/` index, of OPTIONS answers and
 * of `Allow` headers.
 */
@Injectable()
export class RestRouteRegistry implements OnApplicationBootstrap {
  private readonly routes = new Map<string, RegisteredRoute>();
  private namespaceList?: string[];
  private readonly matches = new Map<string, RouteMatch | null>();
  private changes = 0;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
        const definition = Reflect.getMetadata(RestRouteMetadata.KEY, handler) as RestRouteDefinition | undefined;
        if (definition) this.add(definition);
      }
    }
  }

  add(definition: RestRouteDefinition): void {
    const { method, route, args } = definition;
    this.changes++;
    this.namespaceList = undefined;
    this.matches.clear();
    const pattern = toWordPressPattern(route);
    let registered = this.routes.get(pattern);
    if (!registered) {
      registered = { pattern, namespace: namespaceOf(route), methods: [], endpoints: [], matcher: compileMatcher(route), allow: new Map() };
      this.routes.set(pattern, registered);
    }
    if (definition.schema && !registered.schema) registered.schema = definition.schema;
    if (!registered.methods.includes(method)) registered.methods.push(method);
    registered.allow.set(method, definition.allow);
    // WordPress groups methods that share arguments into one endpoint (POST, PUT, PATCH).
    const argsKey = JSON.stringify(args);
    const shared = registered.endpoints.find((endpoint) => JSON.stringify(endpoint.args) === argsKey);
    if (shared) shared.methods.push(method);
    else registered.endpoints.push({ methods: [method], args });
  }

  /** Changes whenever a route is added, so what is built from the routes knows to rebuild. */
  get version(): number {
    return this.changes;
  }

  all(): RegisteredRoute[] {
    return [...this.routes.values()];
  }

  /** The namespaces in order of first appearance (computed once per set of routes; do not modify). */
  namespaces(): readonly string[] {
    this.namespaceList ??= [...new Set(this.all().map((route) => route.namespace).filter(Boolean))];
    return this.namespaceList;
  }

  /** The route a concrete path (below /wp-json) belongs to, with its path parameters. */
  match(path: string): RouteMatch | undefined {
    // Every response's Allow header asks, mostly for the same few paths: remembered (bounded).
    let found = this.matches.get(path);
    if (found === undefined) {
      if (this.matches.size >= MATCH_CACHE_MAX) this.matches.clear();
      found = this.findMatch(path) ?? null;
      this.matches.set(path, found);
    }
    return found ? { route: found.route, params: { ...found.params } } : undefined;
  }

  private findMatch(path: string): RouteMatch | undefined {
    const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
    // Literal routes first: `/users/me` is not `/users/(?P<id>...)`, `/introspect` is not a uuid.
    for (const literalFirst of [true, false]) {
      for (const route of this.routes.values()) {
        if (route.pattern.includes('(?P<') === literalFirst) continue;
        const found = route.matcher.exec(normalized);
        if (found) return { route, params: { ...(found.groups ?? {}) } };
      }
    }
    return undefined;
  }

  /**
   * The `Allow` header for a request (method and path below /wp-json) that reached its route: none
   * when the route does not serve the method (WordPress answers rest_no_route and matches no route).
   */
  allowHeader(method: string, path: string, principal: unknown): string | undefined {
    const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const served = (methods: readonly string[]) => method === 'OPTIONS' || methods.includes(method === 'HEAD' ? 'GET' : method);
    if (normalized === '/' || normalized === '' || this.namespaces().some((namespace) => `/${namespace}` === normalized)) {
      return served(['GET']) ? 'GET' : undefined;
    }
    const match = this.match(normalized);
    if (!match || !served(match.route.methods)) return undefined;
    return this.allowedMethods(match, principal);
  }

  /**
   * WordPress's `Allow` header: the route's methods whose permission check passes for this caller,
   * or undefined when none does (WordPress then sends no header).
   */
  allowedMethods(match: RouteMatch, principal: unknown): string | undefined {
    const allowed = match.route.methods.filter((method) => {
      const check = match.route.allow.get(method);
      return check ? check(principal, match.params) : true;
    });
    return allowed.length > 0 ? allowed.join(', ') : undefined;
  }
}

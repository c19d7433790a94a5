import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { RouteArgs } from './arg-schema';
import { RestMethod, RestRouteMetadata, toWordPressPattern } from './rest-route.decorator';

export interface RegisteredEndpoint {
  methods: RestMethod[];
  args: RouteArgs;
}

export interface RegisteredRoute {
  /** WordPress form, e.g. `/wp/v2/users/(?P<id>\d+)`. */
  pattern: string;
  namespace: string;
  methods: RestMethod[];
  endpoints: RegisteredEndpoint[];
  matcher: RegExp;
}

const PARAM = /:([A-Za-z_][A-Za-z0-9_]*)(?:\(((?:[^()]|\([^()]*\))*)\))?/g;

function namespaceOf(route: string): string {
  const [vendor, version] = route.split('/').filter(Boolean);
  return version !== undefined ? `${vendor}/${version}` : '';
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileMatcher(route: string): RegExp {
  let source = '';
  let last = 0;
  for (const match of route.matchAll(PARAM)) {
    source += escapeLiteral(route.slice(last, match.index)) + `(?:${match[2] ?? '[^/]+'})`;
    last = (match.index ?? 0) + match[0].length;
  }
  source += escapeLiteral(route.slice(last));
  return new RegExp(`^${source}/?$`, 'i');
}

/**
 * Every REST route declared with `@RestRoute`, collected at boot: the source of the `/wp-json/`
 * index, of OPTIONS answers and of `Allow` headers.
 */
@Injectable()
export class RestRouteRegistry implements OnApplicationBootstrap {
  private readonly routes = new Map<string, RegisteredRoute>();

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
        const definition = Reflect.getMetadata(RestRouteMetadata.KEY, handler) as
          | { method: RestMethod; route: string; args: RouteArgs }
          | undefined;
        if (definition) this.add(definition.method, definition.route, definition.args);
      }
    }
  }

  add(method: RestMethod, route: string, args: RouteArgs): void {
    const pattern = toWordPressPattern(route);
    let registered = this.routes.get(pattern);
    if (!registered) {
      registered = { pattern, namespace: namespaceOf(route), methods: [], endpoints: [], matcher: compileMatcher(route) };
      this.routes.set(pattern, registered);
    }
    if (!registered.methods.includes(method)) registered.methods.push(method);
    // WordPress groups methods that share arguments into one endpoint (POST, PUT, PATCH).
    const argsKey = JSON.stringify(args);
    const shared = registered.endpoints.find((endpoint) => JSON.stringify(endpoint.args) === argsKey);
    if (shared) shared.methods.push(method);
    else registered.endpoints.push({ methods: [method], args });
  }

  all(): RegisteredRoute[] {
    return [...this.routes.values()].sort((a, b) => a.pattern.localeCompare(b.pattern));
  }

  namespaces(): string[] {
    return [...new Set(this.all().map((route) => route.namespace).filter(Boolean))];
  }

  /** The route a concrete path (below /wp-json) belongs to, if any. */
  match(path: string): RegisteredRoute | undefined {
    const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
    for (const route of this.routes.values()) if (route.matcher.test(normalized)) return route;
    return undefined;
  }
}

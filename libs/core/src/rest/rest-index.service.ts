import { Inject, Injectable } from '@nestjs/common';
import { GATEHOUSE_CONFIG } from '../config/config.tokens';
import type { GatehouseConfig } from '../config/gatehouse-config';
import type { ArgSchema, RouteArgs } from './arg-schema';
import { RegisteredRoute, RestRouteRegistry } from './rest-route.registry';

// The schema keywords WordPress shows for an argument in the index.
const SHOWN_ARG_KEYS: readonly (keyof ArgSchema)[] = [
  'description', 'type', 'format', 'enum', 'items', 'properties', 'default', 'minimum', 'maximum', 'minLength', 'pattern',
];

function describeArgs(args: RouteArgs): Record<string, Record<string, unknown>> {
  const described: Record<string, Record<string, unknown>> = {};
  for (const [name, schema] of Object.entries(args)) {
    const shown: Record<string, unknown> = {};
    for (const key of SHOWN_ARG_KEYS) if (schema[key] !== undefined) shown[key] = schema[key];
    shown.required = schema.required ?? false;
    described[name] = shown;
  }
  return described;
}

/** Builds WordPress's discovery documents: the `/wp-json/` index, namespace indexes and route descriptions. */
@Injectable()
export class RestIndexService {
  private readonly authentication: Record<string, unknown> = {};

  constructor(
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly registry: RestRouteRegistry,
  ) {}

  /** Each credential kind advertises itself here (e.g. `application-passwords`, `jwt`). */
  addAuthentication(method: string, description: unknown): void {
    this.authentication[method] = description;
  }

  restUrl(route = '/'): string {
    return `${this.config.siteUrl}/wp-json${route}`;
  }

  describeRoute(route: RegisteredRoute, withLinks: boolean): Record<string, unknown> {
    const description: Record<string, unknown> = {
      namespace: route.namespace,
      methods: route.methods,
      endpoints: route.endpoints.map((endpoint) => ({ methods: endpoint.methods, args: describeArgs(endpoint.args) })),
    };
    if (withLinks && !route.pattern.includes('(?P<')) {
      description._links = { self: [{ href: this.restUrl(route.pattern) }] };
    }
    return description;
  }

  siteIndex(): Record<string, unknown> {
    const routes: Record<string, unknown> = {
      '/': {
        namespace: '',
        methods: ['GET'],
        endpoints: [{ methods: ['GET'], args: { context: { default: 'view', required: false } } }],
        _links: { self: [{ href: this.restUrl('/') }] },
      },
    };
    for (const namespace of this.registry.namespaces()) {
      routes[`/${namespace}`] = {
        namespace,
        methods: ['GET'],
        endpoints: [{ methods: ['GET'], args: { namespace: { default: namespace, required: false }, context: { default: 'view', required: false } } }],
        _links: { self: [{ href: this.restUrl(`/${namespace}`) }] },
      };
    }
    for (const route of this.registry.all()) routes[route.pattern] = this.describeRoute(route, true);
    return {
      name: this.config.siteName,
      description: this.config.siteDescription,
      url: this.config.siteUrl,
      home: this.config.siteUrl,
      gmt_offset: 0,
      timezone_string: '',
      namespaces: this.registry.namespaces(),
      authentication: this.authentication,
      routes,
      site_logo: 0,
      site_icon: 0,
      site_icon_url: '',
      _links: { help: [{ href: 'https://developer.wordpress.org/rest-api/' }] },
    };
  }

  namespaceIndex(namespace: string): Record<string, unknown> | undefined {
    const routes = this.registry.all().filter((route) => route.namespace === namespace);
    if (routes.length === 0) return undefined;
    const described: Record<string, unknown> = {};
    for (const route of routes) described[route.pattern] = this.describeRoute(route, true);
    return { namespace, routes: described, _links: { up: [{ href: this.restUrl('/') }] } };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { GATEHOUSE_CONFIG } from '../config/config.tokens';
import type { GatehouseConfig } from '../config/gatehouse-config';
import type { ArgSchema, RouteArgs } from './arg-schema';
import { immutableBody } from './php-json';
import { RegisteredRoute, RestRouteRegistry } from './rest-route.registry';

// rest_get_allowed_schema_keywords(): the only argument keywords WordPress shows in the index.
const SHOWN_ARG_KEYS = new Set<string>([
  'title', 'description', 'default', 'type', 'format', 'enum', 'items', 'properties', 'additionalProperties',
  'patternProperties', 'minProperties', 'maxProperties', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems',
  'uniqueItems', 'anyOf', 'oneOf',
]);

/** An argument as WordPress shows it: its schema keywords in declaration order, then `required`. */
function describeArg(schema: ArgSchema): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) if (SHOWN_ARG_KEYS.has(key) && value !== undefined) shown[key] = value;
  shown.required = schema.required ?? false;
  return shown;
}

/** No arguments is an empty PHP array, which json_encode writes as `[]`. */
function describeArgs(args: RouteArgs): Record<string, Record<string, unknown>> | [] {
  const entries = Object.entries(args);
  if (entries.length === 0) return [];
  return Object.fromEntries(entries.map(([name, schema]) => [name, describeArg(schema)]));
}

interface Authentication {
  description: unknown;
  /** Advertised only where the credential can be used (WordPress hides application passwords over plain HTTP in production). */
  secureOnly: boolean;
}

/** What the index needs to know about the request it answers. */
export interface IndexRequest {
  /** The request came over HTTPS (or a trusted proxy said so). */
  secure: boolean;
}

/** Builds WordPress's discovery documents: the `/wp-json/` index, namespace indexes and route descriptions. */
@Injectable()
export class RestIndexService {
  private readonly authentication = new Map<string, Authentication>();
  /**
   * Built documents, which change only with the routes, the advertised authentication and (for the
   * site index) whether the request may see secure-only entries: immutable bodies (see
   * `immutableBody`), so a request costs neither building nor serializing them.
   */
  private readonly built = new Map<string, Record<string, unknown>>();
  private builtFor = -1;

  constructor(
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly registry: RestRouteRegistry,
  ) {}

  /**
   * Each credential kind advertises itself here (e.g. `application-passwords`, `jwt`). With
   * `secureOnly`, it is left out of the index of a production site answering over plain HTTP.
   */
  addAuthentication(method: string, description: unknown, options: { secureOnly?: boolean } = {}): void {
    this.authentication.set(method, { description, secureOnly: options.secureOnly ?? false });
    this.built.clear();
  }

  /** A built document by key, rebuilt after the routes or the authentication changed. */
  private cached(key: string, build: () => Record<string, unknown>): Record<string, unknown> {
    if (this.builtFor !== this.registry.version) {
      this.built.clear();
      this.builtFor = this.registry.version;
    }
    let document = this.built.get(key);
    if (!document) {
      document = immutableBody(build());
      this.built.set(key, document);
    }
    return document;
  }

  restUrl(route = '/'): string {
    return `${this.config.siteUrl}/wp-json${route}`;
  }

  /** WordPress's get_data_for_route(): `help` (OPTIONS) adds the schema; literal routes get a self link. */
  describeRoute(route: RegisteredRoute, context: 'view' | 'help'): Record<string, unknown> {
    const description: Record<string, unknown> = { namespace: route.namespace, methods: route.methods };
    description.endpoints = route.endpoints.map((endpoint) => ({ methods: endpoint.methods, args: describeArgs(endpoint.args) }));
    if (!route.pattern.includes('(?P<')) description._links = { self: [{ href: this.restUrl(route.pattern) }] };
    if (context === 'help' && route.schema) description.schema = route.schema;
    return description;
  }

  /** The `/` route's own description (GET /wp-json/ is the index; OPTIONS /wp-json/ describes it). */
  rootRoute(): Record<string, unknown> {
    return {
      namespace: '',
      methods: ['GET'],
      endpoints: [{ methods: ['GET'], args: { context: { default: 'view', required: false } } }],
      _links: { self: [{ href: this.restUrl('/') }] },
    };
  }

  private namespaceRoute(namespace: string): Record<string, unknown> {
    return {
      namespace,
      methods: ['GET'],
      endpoints: [{ methods: ['GET'], args: { namespace: { default: namespace, required: false }, context: { default: 'view', required: false } } }],
      _links: { self: [{ href: this.restUrl(`/${namespace}`) }] },
    };
  }

  /** OPTIONS on `/wp-json/<namespace>` describes the namespace index route. */
  namespaceRouteFor(path: string): Record<string, unknown> | undefined {
    const normalized = path.replace(/\/+$/, '');
    const namespace = this.registry.namespaces().find((candidate) => `/${candidate}` === normalized);
    return namespace ? this.namespaceRoute(namespace) : undefined;
  }

  /** The `/wp-json/` index (an immutable body: see `immutableBody`). */
  siteIndex(request: IndexRequest): Record<string, unknown> {
    const hideSecureOnly = this.config.env === 'production' && !request.secure;
    return this.cached(hideSecureOnly ? 'site:plain' : 'site', () => this.buildSiteIndex(hideSecureOnly));
  }

  private buildSiteIndex(hideSecureOnly: boolean): Record<string, unknown> {
    const routes: Record<string, unknown> = { '/': this.rootRoute() };
    for (const namespace of this.registry.namespaces()) {
      routes[`/${namespace}`] = this.namespaceRoute(namespace);
      for (const route of this.registry.all()) if (route.namespace === namespace) routes[route.pattern] = this.describeRoute(route, 'view');
    }
    const authentication: Record<string, unknown> = {};
    for (const [method, entry] of this.authentication) if (!(entry.secureOnly && hideSecureOnly)) authentication[method] = entry.description;
    return {
      name: this.config.siteName,
      description: this.config.siteDescription,
      url: this.config.siteUrl,
      home: this.config.siteUrl,
      gmt_offset: 0,
      timezone_string: '',
      namespaces: this.registry.namespaces(),
      // WordPress's empty authentication is an empty PHP array: `[]`.
      authentication: Object.keys(authentication).length > 0 ? authentication : [],
      routes,
      site_logo: 0,
      site_icon: 0,
      site_icon_url: '',
      _links: { help: [{ href: 'https://developer.wordpress.org/rest-api/' }] },
    };
  }

  /** A namespace's index (an immutable body), or undefined for an unknown namespace. */
  namespaceIndex(namespace: string): Record<string, unknown> | undefined {
    if (!this.registry.namespaces().includes(namespace)) return undefined;
    return this.cached(`namespace:${namespace}`, () => this.buildNamespaceIndex(namespace));
  }

  private buildNamespaceIndex(namespace: string): Record<string, unknown> {
    const routes = this.registry.all().filter((route) => route.namespace === namespace);
    const described: Record<string, unknown> = { [`/${namespace}`]: this.namespaceRoute(namespace) };
    for (const route of routes) described[route.pattern] = this.describeRoute(route, 'view');
    return { namespace, routes: described, _links: { up: [{ href: this.restUrl('/') }] } };
  }
}

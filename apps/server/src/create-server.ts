import fastifyCookie from '@fastify/cookie';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatehouseConfig, parseForm, phpJsonStringify, registerBodyParsers, registerResponseFields, RestRouteRegistry, serializeReply, toWpError } from '@gatehouse/core';
import '@gatehouse/access';
import type { FastifyReply } from 'fastify';
import { AppModule } from './app.module';

// Nest's per-module and per-route start-up lines bury the few that matter (where, which database).
const NOISY_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

class QuietStartupLogger extends ConsoleLogger {
  override log(message: unknown, context?: string): void {
    if (context !== undefined && NOISY_CONTEXTS.has(context)) return;
    super.log(message, context);
  }
}

/** WordPress's `?rest_route=/wp/v2/...` form is the same request as `/wp-json/wp/v2/...`. */
export function rewriteRestRoute(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const path = url.slice(0, query);
  if (path !== '/' && path !== '/index.php') return url;
  const params = new URLSearchParams(url.slice(query + 1));
  const route = params.get('rest_route');
  if (route === null) return url;
  params.delete('rest_route');
  const rest = params.toString();
  const normalized = route.startsWith('/') ? route : `/${route}`;
  return `/wp-json${normalized}${rest ? `?${rest}` : ''}`;
}

function allowFor(registry: RestRouteRegistry, method: string, url: string, principal: unknown): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(url.split('?')[0]).slice('/wp-json'.length) || '/';
  } catch {
    return undefined;
  }
  return registry.allowHeader(method, path, principal);
}

/** Builds the Nest application on Fastify with WordPress's wire conventions. Shared by main.ts and the tests. */
export async function createServer(config: GatehouseConfig, databaseUrl: string, options: { logger?: false | ('log' | 'error' | 'warn')[] } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    trustProxy: config.trustProxy,
    routerOptions: {
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      maxParamLength: 200,
      // PHP's query string rules: `_fields[]=a&_fields[]=b` is a list.
      querystringParser: (query: string) => parseForm(query),
    },
    bodyLimit: 1024 * 1024,
    rewriteUrl: (request: { url?: string }) => rewriteRestRoute(request.url ?? '/'),
    // Malformed URLs and similar are refused by the router before Nest: answer them in WordPress's shape too.
    frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) => {
      const { body } = toWpError(error);
      void reply.code(body.data.status).header('Content-Type', 'application/json; charset=UTF-8').send(phpJsonStringify(body));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl), adapter, {
    logger: options.logger ?? new QuietStartupLogger({ logLevels: ['log', 'error', 'warn'] }),
    bufferLogs: false,
    // WordPress's body rules (empty JSON is no parameters; invalid JSON is rest_invalid_json) replace Nest's parsers.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();

  const registry = app.get(RestRouteRegistry);

  registerBodyParsers(fastify);
  // Cookies for the login session (authorize-ui). Registered before init so every route can read them.
  await app.register(fastifyCookie);
  // WordPress's `_fields` on successful REST responses, before they are serialized.
  registerResponseFields(fastify);
  // Fastify sends a Buffer as it does a string; its types only name strings.
  fastify.setReplySerializer(serializeReply as (payload: unknown) => string);
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/wp-json')) {
      // As in WordPress, a response's own Link header (pagination) replaces the API discovery link.
      if (!reply.hasHeader('Link')) reply.header('Link', `<${config.siteUrl}/wp-json/>; rel="https://api.w.org/"`);
      // WordPress's Allow: the matched route's methods this caller may use, once its credentials were read.
      if (request.credentialsChecked && !reply.hasHeader('Allow')) {
        const allow = allowFor(registry, request.method, request.url, request.principal);
        if (allow) reply.header('Allow', allow);
      }
      reply.header('X-Content-Type-Options', 'nosniff');
      reply.header('X-Robots-Tag', 'noindex');
      const type = reply.getHeader('content-type');
      if (type === undefined || String(type).startsWith('application/json')) reply.header('Content-Type', 'application/json; charset=UTF-8');
      if (request.principal) reply.header('Cache-Control', 'no-cache, must-revalidate, max-age=0');
    }
    return payload;
  });
  await app.init();
  return app;
}

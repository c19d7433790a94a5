import { Controller, Get, Options, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { noRoute } from '../errors/wp-error';
import { RestIndexService } from './rest-index.service';
import { RestRouteRegistry } from './rest-route.registry';
import { Public } from './rest-route.decorator';

/** `GET /wp-json/`, namespace indexes, and `OPTIONS` on any REST route, as WordPress answers them. */
@Controller()
@Public()
export class RestIndexController {
  constructor(
    private readonly index: RestIndexService,
    private readonly registry: RestRouteRegistry,
  ) {}

  @Get('wp-json')
  siteIndex(@Req() request: FastifyRequest): Record<string, unknown> {
    return this.index.siteIndex({ secure: request.protocol === 'https' });
  }

  @Get('wp-json/:vendor/:version')
  namespaceIndex(@Param('vendor') vendor: string, @Param('version') version: string): Record<string, unknown> {
    const found = this.index.namespaceIndex(`${vendor}/${version}`);
    if (!found) throw noRoute();
    return found;
  }

  /**
   * WordPress's rest_handle_options_request: the matched route's description with its schema; an
   * unknown path is a 200 with an empty body (`[]`), not a 404. The `Allow` header is added for every
   * response by the server's send hook, from the same registry.
   */
  @Options(['wp-json', 'wp-json/*'])
  describe(@Req() request: FastifyRequest, @Res({ passthrough: true }) _reply: FastifyReply): Record<string, unknown> | [] {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0]).slice('/wp-json'.length) || '/';
    } catch {
      return [];
    }
    if (path === '/' || path === '') return this.index.rootRoute();
    const namespace = this.index.namespaceRouteFor(path);
    if (namespace) return namespace;
    const match = this.registry.match(path);
    if (!match) return [];
    return this.index.describeRoute(match.route, 'help');
  }
}

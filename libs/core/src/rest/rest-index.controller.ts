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
  siteIndex(): Record<string, unknown> {
    return this.index.siteIndex();
  }

  @Get('wp-json/:vendor/:version')
  namespaceIndex(@Param('vendor') vendor: string, @Param('version') version: string): Record<string, unknown> {
    const found = this.index.namespaceIndex(`${vendor}/${version}`);
    if (!found) throw noRoute();
    return found;
  }

  @Options('wp-json/*')
  describe(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Record<string, unknown> {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0]).slice('/wp-json'.length) || '/';
    } catch {
      throw noRoute();
    }
    if (path === '/' || path === '') return this.index.siteIndex();
    const route = this.registry.match(path);
    if (!route) throw noRoute();
    reply.header('Allow', route.methods.join(', '));
    return this.index.describeRoute(route, false);
  }
}

import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '@gatehouse/core';
import type { FastifyReply } from 'fastify';
import { UI_CSS, UI_JS } from './ui-assets';

/** The pages' stylesheet and script, from this origin (the CSP allows nothing inline). */
@Controller()
@Public()
export class AssetsController {
  @Get('wp-admin/gatehouse/ui.css')
  css(@Res() reply: FastifyReply) {
    return reply.header('Content-Type', 'text/css; charset=UTF-8').header('Cache-Control', 'public, max-age=3600').header('X-Content-Type-Options', 'nosniff').send(UI_CSS);
  }

  @Get('wp-admin/gatehouse/ui.js')
  js(@Res() reply: FastifyReply) {
    return reply.header('Content-Type', 'text/javascript; charset=UTF-8').header('Cache-Control', 'public, max-age=3600').header('X-Content-Type-Options', 'nosniff').send(UI_JS);
  }
}

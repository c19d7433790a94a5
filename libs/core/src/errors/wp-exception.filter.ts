import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NO_ROUTE_MESSAGE, WpError, WpErrorBody } from './wp-error';

/** Maps any error raised while serving a request to WordPress's error envelope. */
export function toWpError(error: unknown): { body: WpErrorBody; headers: Record<string, string>; internal: boolean } {
  if (error instanceof WpError) return { body: error.body, headers: error.headers, internal: false };

  // Fastify's own request errors (body parsing, size limits) carry a statusCode and an FST_ code.
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError && typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_')) {
    const status = fastifyError.statusCode ?? 400;
    if (fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return {
        body: {
          code: 'rest_invalid_json',
          message: 'Invalid JSON body passed.',
          data: { status: 400, json_error_code: 4, json_error_message: 'Syntax error' },
        },
        headers: {},
        internal: false,
      };
    }
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return { body: { code: 'rest_payload_too_large', message: 'The request body is too large.', data: { status: 413 } }, headers: {}, internal: false };
    }
    if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return { body: { code: 'rest_unsupported_media_type', message: 'Unsupported Content-Type.', data: { status: 415 } }, headers: {}, internal: false };
    }
    if (status < 500) {
      return { body: { code: 'rest_invalid_request', message: 'The request could not be parsed.', data: { status } }, headers: {}, internal: false };
    }
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 413) return { body: { code: 'rest_payload_too_large', message: 'The request body is too large.', data: { status } }, headers: {}, internal: false };
    if (status === 415) return { body: { code: 'rest_unsupported_media_type', message: 'Unsupported Content-Type.', data: { status } }, headers: {}, internal: false };
    if (status === 404) return { body: { code: 'rest_no_route', message: NO_ROUTE_MESSAGE, data: { status: 404 } }, headers: {}, internal: false };
    if (status < 500) {
      return { body: { code: 'rest_invalid_request', message: error.message, data: { status } }, headers: {}, internal: false };
    }
  }
  return {
    body: { code: 'internal_server_error', message: 'There has been a critical error on this website.', data: { status: 500 } },
    headers: {},
    internal: true,
  };
}

/** The single global filter: every error leaves as `{code, message, data: {status}}`; a 500 hides its cause. */
@Catch()
export class WpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { body, headers, internal } = toWpError(error);
    if (internal) {
      this.logger.error(`request ${request.id} ${request.method} ${request.url.split('?')[0]} failed`, (error as Error)?.stack ?? String(error));
    }
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.status(body.data.status).send(body);
  }
}

import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { NO_ROUTE_MESSAGE, WpError, WpErrorBody } from './wp-error';

/**
 * The safety net under the routes' own input checks: PostgreSQL refusing a value the client sent is
 * the client's mistake (4xx), never a 500. Only the SQLSTATE decides; the message, query and
 * parameters stay out of the response (they can hold SQL and secrets' hashes).
 */
const DATABASE_INPUT_ERRORS: Record<string, WpErrorBody> = {
  // string_data_right_truncation: wider than its column.
  '22001': { code: 'rest_value_too_long', message: 'A value is longer than its field allows.', data: { status: 400 } },
  // invalid_text_representation, numeric_value_out_of_range, invalid_datetime_format, datetime_field_overflow.
  '22P02': { code: 'rest_invalid_value', message: 'A value is not valid for its field.', data: { status: 400 } },
  '22003': { code: 'rest_invalid_value', message: 'A value is out of range for its field.', data: { status: 400 } },
  '22007': { code: 'rest_invalid_value', message: 'A date is not valid.', data: { status: 400 } },
  '22008': { code: 'rest_invalid_value', message: 'A date is out of range.', data: { status: 400 } },
  // character_not_in_repertoire: a NUL character, which PostgreSQL text cannot hold.
  '22021': { code: 'rest_invalid_value', message: 'A value contains a character that cannot be stored.', data: { status: 400 } },
  // unique_violation: a race past the service's own "already used" check.
  '23505': { code: 'rest_conflict', message: 'A value must be unique and is already used.', data: { status: 409 } },
};

/** The SQLSTATE of a query PostgreSQL refused for its input, or undefined. */
export function databaseInputErrorCode(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code in DATABASE_INPUT_ERRORS ? code : undefined;
}

/** Maps any error raised while serving a request to WordPress's error envelope. */
export function toWpError(error: unknown): { body: WpErrorBody; headers: Record<string, string>; internal: boolean } {
  if (error instanceof WpError) return { body: error.body, headers: error.headers, internal: false };
  const databaseCode = databaseInputErrorCode(error);
  if (databaseCode) {
    const body = DATABASE_INPUT_ERRORS[databaseCode];
    return { body: { ...body, data: { ...body.data } }, headers: {}, internal: false };
  }

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
    } else if (error instanceof QueryFailedError) {
      // A route let through input its column refuses: worth fixing at the route, not worth an alarm.
      // The SQLSTATE and constraint only: the query's text and parameters are never logged.
      const constraint = (error.driverError as { constraint?: unknown }).constraint;
      this.logger.debug(`request ${request.id} ${request.method} ${request.url.split('?')[0]}: database refused input (SQLSTATE ${databaseInputErrorCode(error)}${typeof constraint === 'string' ? `, ${constraint}` : ''})`);
    }
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.status(body.data.status).send(body);
  }
}

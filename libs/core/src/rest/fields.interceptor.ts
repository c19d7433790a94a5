import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { filterResponseFields } from './response-fields';

/**
 * Applies WordPress's `_fields` filter to every successful REST response (errors are never filtered),
 * once, globally: controllers return whole items and never look at `_fields`.
 */
@Injectable()
export class FieldsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const fields = (request.query as Record<string, unknown> | undefined)?._fields;
    if (fields === undefined || !request.url.startsWith('/wp-json')) return next.handle();
    return next.handle().pipe(map((body: unknown) => filterResponseFields(body, fields)));
  }
}

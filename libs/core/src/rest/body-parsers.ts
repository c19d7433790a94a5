import type { FastifyInstance } from 'fastify';
import { WpError } from '../errors/wp-error';

function invalidJson(): WpError {
  return new WpError('rest_invalid_json', 'Invalid JSON body passed.', 400, { json_error_code: 4, json_error_message: 'Syntax error' });
}

/** `a=1&b[]=2&b[]=3` → `{a: '1', b: ['2', '3']}`, the way PHP reads a form. */
export function parseForm(body: string): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    if (rawKey.endsWith('[]')) {
      const key = rawKey.slice(0, -2);
      const existing = parsed[key];
      parsed[key] = Array.isArray(existing) ? [...existing, value] : [value];
    } else {
      parsed[rawKey] = value;
    }
  }
  return parsed;
}

/**
 * Request bodies as WordPress reads them: JSON (an empty body is no parameters, invalid JSON is
 * `400 rest_invalid_json`) and HTML forms.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  const parseJson = (_request: unknown, body: string | Buffer, done: (error: Error | null, value?: unknown) => void) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(invalidJson(), undefined);
    }
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  fastify.addContentTypeParser(/^application\/[\w.+-]+\+json$/, { parseAs: 'string' }, parseJson);
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(String(body)));
  });
}

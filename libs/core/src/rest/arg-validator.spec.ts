import { WpError } from '../errors/wp-error';
import type { RouteArgs } from './arg-schema';
import { contextArg } from './arg-schema';
import { listWithAnd, validateRouteArgs, validateValue } from './arg-validator';

function refusal(args: RouteArgs, input: Record<string, unknown>): { code: string; status: number; data: Record<string, unknown> } {
  try {
    validateRouteArgs(args, input);
  } catch (error) {
    const wp = error as WpError;
    return { code: wp.code, status: wp.getStatus(), data: wp.body.data };
  }
  throw new Error('accepted');
}

describe('argument validation (WordPress rules and messages)', () => {
  it('coerces as WordPress does: numeric strings to integers, "true"/"0" to booleans, CSV to arrays', () => {
    expect(validateValue('42', { type: 'integer' }, 'n')).toEqual({ value: 42 });
    expect(validateValue('4.2', { type: 'integer' }, 'n')).toEqual({ problem: { code: 'rest_invalid_type', message: 'n is not of type integer.' } });
    expect(validateValue('true', { type: 'boolean' }, 'b')).toEqual({ value: true });
    expect(validateValue('0', { type: 'boolean' }, 'b')).toEqual({ value: false });
    expect(validateValue('a,b c', { type: 'array', items: { type: 'string' } }, 'l')).toEqual({ value: ['a', 'b', 'c'] });
    expect(validateValue(null, { type: ['string', 'null'] }, 'x')).toEqual({ value: null });
    expect(validateValue(5, { type: ['string', 'null'] }, 'x')).toEqual({ problem: { code: 'rest_invalid_type', message: 'x is not of type string,null.' } });
  });

  it('checks enum, uuid (lowercase only), email, length, pattern and bounds with WordPress messages', () => {
    expect(validateValue('bogus', contextArg(), 'context')).toEqual({ problem: { code: 'rest_not_in_enum', message: 'context is not one of view, embed, and edit.' } });
    expect(validateValue('0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11', { type: 'string', format: 'uuid' }, 'app_id')).toEqual({ value: '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11' });
    expect(validateValue('0B8F8E2C-6C1E-4B8E-9D1A-2F5A2A7B9E11', { type: 'string', format: 'uuid' }, 'app_id')).toEqual({ problem: { code: 'rest_invalid_uuid', message: 'app_id is not a valid UUID.' } });
    expect(validateValue('nope', { type: 'string', format: 'email' }, 'email')).toEqual({ problem: { code: 'rest_invalid_email', message: 'Invalid email address.' } });
    expect(validateValue('', { type: 'string', minLength: 1 }, 'name')).toEqual({ problem: { code: 'rest_too_short', message: 'name must be at least 1 character long.' } });
    expect(validateValue('  ', { type: 'string', pattern: '.*\\S.*' }, 'name')).toEqual({ problem: { code: 'rest_invalid_pattern', message: 'name does not match pattern .*\\S.*.' } });
    expect(validateValue('0', { type: 'integer', minimum: 1 }, 'page')).toEqual({ problem: { code: 'rest_out_of_bounds', message: 'page must be greater than or equal to 1' } });
    expect(validateValue(101, { type: 'integer', maximum: 100 }, 'per_page')).toEqual({ problem: { code: 'rest_out_of_bounds', message: 'per_page must be less than or equal to 100' } });
  });

  it('counts maxLength in characters (not UTF-16 units or bytes), checks it before format, with WordPress\'s message', () => {
    expect(validateValue('a'.repeat(200), { type: 'string', maxLength: 200 }, 'name')).toEqual({ value: 'a'.repeat(200) });
    expect(validateValue('a'.repeat(201), { type: 'string', maxLength: 200 }, 'name')).toEqual({ problem: { code: 'rest_too_long', message: 'name must be at most 200 characters long.' } });
    expect(validateValue('ab', { type: 'string', maxLength: 1 }, 'x')).toEqual({ problem: { code: 'rest_too_long', message: 'x must be at most 1 character long.' } });
    // Four astral characters are four characters (eight UTF-16 units).
    expect(validateValue('😀😀😀😀', { type: 'string', maxLength: 4 }, 'name')).toEqual({ value: '😀😀😀😀' });
    expect(validateValue('é'.repeat(5), { type: 'string', maxLength: 4 }, 'name')).toHaveProperty('problem.code', 'rest_too_long');
    expect(validateValue('x'.repeat(70000), { type: 'string', maxLength: 65535 }, 'content')).toEqual({ problem: { code: 'rest_too_long', message: 'content must be at most 65,535 characters long.' } });
    // WordPress checks a string's lengths before its format: an over-long bad email is "too long".
    expect(validateValue('no'.repeat(60), { type: 'string', format: 'email', maxLength: 100 }, 'email')).toHaveProperty('problem.code', 'rest_too_long');
    expect(validateValue('', { type: 'string', format: 'uri' }, 'url')).toEqual({ value: '' });
    expect(validateValue('not a url', { type: 'string', format: 'uri' }, 'url')).toHaveProperty('problem.code', 'rest_invalid_url');
    // NUL cannot be stored (PostgreSQL text): refused wherever a string is declared.
    expect(validateValue('a\u0000b', { type: 'string' }, 'search')).toEqual({ problem: { code: 'rest_invalid_characters', message: 'search must not contain NUL characters.' } });
    expect(validateValue(['ok', '\u0000'], { type: 'array', items: { type: 'string' } }, 'roles')).toHaveProperty('problem.code', 'rest_invalid_characters');
    // Inside arrays too.
    expect(validateValue(['ok', 'too long'], { type: 'array', items: { type: 'string', maxLength: 3 } }, 'roles')).toEqual({ problem: { code: 'rest_too_long', message: 'roles[1] must be at most 3 characters long.' } });
  });

  it('lists with "and" as wp_sprintf\'s %l', () => {
    expect(listWithAnd(['a'])).toBe('a');
    expect(listWithAnd(['a', 'b'])).toBe('a and b');
    expect(listWithAnd(['a', 'b', 'c'])).toBe('a, b, and c');
  });

  it('reports every missing required parameter first, together', () => {
    const args: RouteArgs = { a: { type: 'string', required: true }, b: { type: 'integer', required: true }, c: { type: 'integer' } };
    expect(refusal(args, { c: 'x' })).toEqual({ code: 'rest_missing_callback_param', status: 400, data: { status: 400, params: ['a', 'b'] } });
  });

  it('then every invalid one, with details; a route\'s own check reports data.status', () => {
    const args: RouteArgs = {
      n: { type: 'integer' },
      u: { type: 'string', check: (value) => (value === 'bad' ? { code: 'rest_user_invalid_username', message: 'Nope.' } : undefined) },
    };
    expect(refusal(args, { n: 'x', u: 'bad' })).toEqual({
      code: 'rest_invalid_param',
      status: 400,
      data: {
        status: 400,
        params: { n: 'n is not of type integer.', u: 'Nope.' },
        details: { n: { code: 'rest_invalid_type', message: 'n is not of type integer.', data: null }, u: { code: 'rest_user_invalid_username', message: 'Nope.', data: { status: 400 } } },
      },
    });
  });

  it('fills defaults, coerces, and passes unknown parameters through', () => {
    expect(validateRouteArgs({ context: contextArg(), page: { type: 'integer', default: 1 } }, { page: '3', _fields: 'id' })).toEqual({ context: 'view', page: 3, _fields: 'id' });
  });
});

import { QueryFailedError } from 'typeorm';
import { toWpError } from './wp-exception.filter';
import { WpError } from './wp-error';

function refused(code: string, message = 'value too long for type character varying(100)'): QueryFailedError {
  return new QueryFailedError('UPDATE "users" SET "email" = $1 WHERE id = $2', ['secret-ish@example.test', 7], Object.assign(new Error(message), { code, constraint: 'uq_users_email' }));
}

describe('toWpError: database refusals of client input', () => {
  it.each([
    ['22001', 400, 'rest_value_too_long'],
    ['22P02', 400, 'rest_invalid_value'],
    ['22003', 400, 'rest_invalid_value'],
    ['22007', 400, 'rest_invalid_value'],
    ['22008', 400, 'rest_invalid_value'],
    ['22021', 400, 'rest_invalid_value'],
    ['23505', 409, 'rest_conflict'],
  ])('SQLSTATE %s is a %d %s, in WordPress\'s shape, without SQL', (sqlState, status, code) => {
    const { body, internal } = toWpError(refused(sqlState));
    expect(internal).toBe(false);
    expect(body.code).toBe(code);
    expect(body.data).toEqual({ status });
    const text = JSON.stringify(body);
    for (const leak of ['UPDATE', 'users', 'varying', 'secret-ish', 'uq_users_email', sqlState]) expect(text).not.toContain(leak);
  });

  it('any other database failure stays a 500 that hides its cause', () => {
    const { body, internal } = toWpError(refused('42601', 'syntax error at or near "x"'));
    expect(internal).toBe(true);
    expect(body).toEqual({ code: 'internal_server_error', message: 'There has been a critical error on this website.', data: { status: 500 } });
  });

  it('one answer object per error: a caller mutating it cannot change the next', () => {
    const first = toWpError(refused('22001')).body;
    first.data.status = 999;
    expect(toWpError(refused('22001')).body.data.status).toBe(400);
  });

  it('WpError passes unchanged', () => {
    expect(toWpError(new WpError('x', 'y', 418)).body).toEqual({ code: 'x', message: 'y', data: { status: 418 } });
  });
});

import { addQueryArgs, parseAuthorizeRequest, redirectUrlProblem } from './authorize-request';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('redirectUrlProblem (wp_is_authorize_application_redirect_url_valid, case-insensitive)', () => {
  const format = 'invalid_redirect_url_format';
  const insecure = 'invalid_redirect_scheme';
  it.each([
    ['https://app.example/callback', 'local', null],
    ['https://app.example/callback', 'production', null],
    ['wordpress://authenticate', 'production', null],
    ['com.example.app://auth?x=1', 'production', null],
    ['https://user:pw@app.example:8443/cb', 'production', null],
    ['http://localhost:8080/cb', 'local', null],
    ['HTTP://app.example/cb', 'local', null],
    ['http://app.example/cb', 'production', insecure],
    ['HTTP://app.example/cb', 'production', insecure],
    ['Http://app.example/cb', 'production', insecure],
    ['javascript://app.example/%0Aalert(1)', 'local', format],
    ['JavaScript://app.example/%0Aalert(1)', 'local', format],
    ['javascript:alert(1)', 'local', format],
    ['data://text/html,hi', 'local', format],
    ['DATA://text/html,hi', 'production', format],
    ['app.example/callback', 'local', format],
    ['/relative/path', 'local', format],
    ['https:app.example', 'local', format],
    ['https:///path-without-host', 'local', format],
    ['https://', 'local', format],
    ['wordpress:authenticate', 'local', format],
    ['1https://app.example', 'local', format],
    ['https://app.example/cb\r\nSet-Cookie: x=y', 'local', format],
    ['https://app.example/ cb', 'local', format],
    ['https:\\\\evil.example', 'local', format],
    ['https://app.example/' + 'a'.repeat(2000), 'local', format],
  ] as const)('%s in %s → %s', (url, env, code) => {
    expect(redirectUrlProblem(url, env)?.code ?? null).toBe(code);
  });
});

describe('parseAuthorizeRequest', () => {
  it('reports every problem at once, WordPress codes first', () => {
    const { problems } = parseAuthorizeRequest({ success_url: 'http://a.example', reject_url: 'javascript:x', app_id: 'NOT-A-UUID' }, 'production');
    expect(problems.map((problem) => `${problem.field}:${problem.code}`)).toEqual([
      'success_url:invalid_redirect_scheme',
      'reject_url:invalid_redirect_url_format',
      'app_id:invalid_app_id',
    ]);
  });

  it('requires a lowercase UUID app_id', () => {
    expect(parseAuthorizeRequest({ app_id: '0B8F8E2C-6C1E-4B8E-9D1A-2F5A2A7B9E11' }, 'local').problems[0]?.code).toBe('invalid_app_id');
    expect(parseAuthorizeRequest({ app_id: '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11' }, 'local').problems).toEqual([]);
    // What reaches the database must fit its column (varchar 200) and be storable text.
    expect(parseAuthorizeRequest({ app_name: 'a'.repeat(200) }, 'local').problems).toEqual([]);
    expect(parseAuthorizeRequest({ app_name: 'a'.repeat(201) }, 'local').problems.map((problem) => problem.code)).toEqual(['invalid_app_name']);
    expect(parseAuthorizeRequest({ app_name: 'my\u0000app' }, 'local').problems.map((problem) => problem.code)).toEqual(['invalid_app_name']);
  });

  it('defaults reject_url to success_url with success=false, keeping a fragment last', () => {
    expect(parseAuthorizeRequest({ success_url: 'https://a.example/cb?x=1#frag' }, 'local').request.rejectUrl).toBe('https://a.example/cb?x=1&success=false#frag');
    expect(parseAuthorizeRequest({}, 'local').request.rejectUrl).toBeNull();
  });

  it('code flow needs success_url, an S256 challenge of 43 characters and method S256', () => {
    expect(parseAuthorizeRequest({ response_type: 'code', success_url: 'https://a.example', code_challenge: CHALLENGE, code_challenge_method: 'S256' }, 'local').problems).toEqual([]);
    const codes = (input: Record<string, string>) => parseAuthorizeRequest(input, 'local').problems.map((problem) => problem.code);
    expect(codes({ response_type: 'code' })).toEqual(['missing_success_url', 'invalid_code_challenge', 'invalid_code_challenge_method']);
    expect(codes({ response_type: 'code', success_url: 'https://a.example', code_challenge: CHALLENGE, code_challenge_method: 'plain' })).toEqual(['invalid_code_challenge_method']);
    expect(codes({ response_type: 'code', success_url: 'https://a.example', code_challenge: 'short', code_challenge_method: 'S256' })).toEqual(['invalid_code_challenge']);
    expect(codes({ response_type: 'token' })).toEqual(['unsupported_response_type']);
    expect(codes({ code_challenge: CHALLENGE })).toEqual(['invalid_code_challenge']);
  });

  it('ignores array-valued parameters rather than crashing', () => {
    expect(parseAuthorizeRequest({ success_url: ['https://a.example'], app_name: ['x'] }, 'local').request).toMatchObject({ successUrl: null, appName: '' });
  });

  it('refuses an over-long or control-character state', () => {
    expect(parseAuthorizeRequest({ state: 'x'.repeat(501) }, 'local').problems[0]?.code).toBe('invalid_state');
    expect(parseAuthorizeRequest({ state: 'a\nb' }, 'local').problems[0]?.code).toBe('invalid_state');
  });
});

describe('addQueryArgs', () => {
  it('appends with ? or &, encoded', () => {
    expect(addQueryArgs('wordpress://authenticate', { a: 'b c', d: '&' })).toBe('wordpress://authenticate?a=b%20c&d=%26');
    expect(addQueryArgs('https://a.example/?x=1', { y: '2' })).toBe('https://a.example/?x=1&y=2');
    expect(addQueryArgs('https://a.example/?', { y: '2' })).toBe('https://a.example/?y=2');
  });
});

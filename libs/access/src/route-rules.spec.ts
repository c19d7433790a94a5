import {
  canonicalRestPath,
  globCovers,
  globsIntersect,
  normalizeRoutePath,
  parseRule,
  ruleCovers,
  ruleMatches,
  ruleMethodOf,
  RuleSyntaxError,
  rulesIntersect,
} from './route-rules';

describe('parseRule', () => {
  it('reads methods and a pattern, normalised', () => {
    const rule = parseRule('get,Post  /WP/v2/Posts*');
    expect(rule.source).toBe('GET,POST /wp/v2/posts*');
    expect([...(rule.methods ?? [])]).toEqual(['GET', 'POST']);
    expect(parseRule('* /wp/v2/users*').methods).toBeNull();
    // All five methods are the same as *.
    expect(parseRule('GET,POST,PUT,PATCH,DELETE /x').methods).toBeNull();
    expect(parseRule('GET /wp/v2/posts/').pattern).toBe('/wp/v2/posts');
    expect(parseRule('GET /wp//v2/**').pattern).toBe('/wp/v2/*');
  });

  it.each([
    ['GET'],
    ['GET /a /b'],
    ['FETCH /wp/v2/posts'],
    ['GET wp/v2/posts'],
    ['GET /wp/v2/../users'],
    ['GET /wp/v2/./posts'],
    ['GET /wp/v2/posts?x=1'],
    ['GET /wp/v2/%2e%2e/users'],
    ['GET /wp/v2/(?P<id>\\d+)'],
    [''],
  ])('refuses %j', (text) => {
    expect(() => parseRule(text)).toThrow(RuleSyntaxError);
  });

  it('refuses non-strings', () => {
    expect(() => parseRule(42)).toThrow(RuleSyntaxError);
  });

  it('refuses rules longer than 200 characters (stored policies stay small, comparisons cheap)', () => {
    const fits = `GET /${'a'.repeat(195)}`;
    expect(fits).toHaveLength(200);
    expect(parseRule(fits).pattern).toBe(`/${'a'.repeat(195)}`);
    expect(() => parseRule(`${fits}a`)).toThrow('each rule must be at most 200 characters long.');
  });
});

describe('canonicalRestPath', () => {
  it.each([
    ['/wp-json/wp/v2/posts', '/wp/v2/posts'],
    ['/wp-json/wp/v2/posts/', '/wp/v2/posts'],
    ['/wp-json/wp/v2/posts///', '/wp/v2/posts'],
    ['/wp-json//wp//v2//posts', '/wp/v2/posts'],
    ['/wp-json/WP/V2/Posts', '/wp/v2/posts'],
    ['/WP-JSON/wp/v2/posts', '/wp/v2/posts'],
    ['/wp-json/wp/v2/posts?context=edit', '/wp/v2/posts'],
    ['/wp-json/wp/v2/posts#frag', '/wp/v2/posts'],
    ['/?rest_route=/wp/v2/posts', '/wp/v2/posts'],
    ['/?rest_route=wp/v2/posts/', '/wp/v2/posts'],
    ['/index.php?rest_route=%2Fwp%2Fv2%2Fusers%2F1', '/wp/v2/users/1'],
    ['/?a=1&rest_route=/WP/v2/Users&b=2', '/wp/v2/users'],
    ['/wp-json/wp/v2/posts%2F..%2F..%2Fv2%2Fusers', '/wp/v2/users'],
    ['/wp-json/wp/v2/posts/../users', '/wp/v2/users'],
    ['/wp-json/wp/v2/posts/./1', '/wp/v2/posts/1'],
    ['/wp-json/wp/v2/%75sers', '/wp/v2/users'],
    ['/wp-json/wp/v2/users%2F1', '/wp/v2/users/1'],
    ['/wp-json/../../wp-json/wp/v2/users', '/wp/v2/users'],
    ['/wp-json', '/'],
    ['/wp-json/', '/'],
    ['/', '/'],
    ['/wp-admin/authorize-application.php', '/wp-admin/authorize-application.php'],
    ['/wp-jsonx/wp/v2/users', '/wp-jsonx/wp/v2/users'],
  ])('%s → %s', (url, expected) => {
    expect(canonicalRestPath(url)).toBe(expected);
  });

  it.each([
    // Double encoding: the router decodes once, so a remaining escape is unreadable, not a route.
    ['/wp-json/wp/v2/%2575sers'],
    ['/wp-json/wp/v2/posts%252F..%252Fusers'],
    ['/?rest_route=/wp/v2/%2575sers'],
    // Malformed escapes, backslashes and control characters.
    ['/wp-json/wp/v2/%E0%A4%A'],
    ['/wp-json/wp/v2\\users'],
    ['/wp-json/wp/v2/%5Cusers'],
    ['/wp-json/wp/v2/users%00'],
  ])('refuses %s', (url) => {
    expect(canonicalRestPath(url)).toBeNull();
  });

  it('normalises dot segments without climbing above the root', () => {
    expect(normalizeRoutePath('/../../etc')).toBe('/etc');
    expect(normalizeRoutePath('/a/b/../../c/')).toBe('/c');
  });
});

describe('ruleMatches', () => {
  const posts = 'GET,POST /wp/v2/posts*';
  const exact = 'DELETE /wp/v2/posts';
  const users = '* /wp/v2/users/*/application-passwords';

  it.each([
    [posts, 'GET', '/wp/v2/posts', true],
    [posts, 'GET', '/wp/v2/posts/5', true],
    [posts, 'POST', '/wp/v2/posts/5', true],
    [posts, 'PUT', '/wp/v2/posts/5', false],
    [posts, 'GET', '/wp/v2/users', false],
    [posts, 'GET', '/wp/v2', false],
    // The glob is a string glob: `posts*` also matches routes that merely start with "posts".
    [posts, 'GET', '/wp/v2/posts-archive', true],
    [exact, 'DELETE', '/wp/v2/posts', true],
    [exact, 'DELETE', '/wp/v2/posts/1', false],
    [users, 'GET', '/wp/v2/users/me/application-passwords', true],
    [users, 'DELETE', '/wp/v2/users/7/application-passwords', true],
    [users, 'GET', '/wp/v2/users/7/application-passwords/abc', false],
  ] as const)('"%s" on %s %s: %s', (rule, method, path, expected) => {
    expect(ruleMatches(parseRule(rule), method, path)).toBe(expected);
  });

  it('matches canonical paths whatever their spelling', () => {
    const deny = parseRule('* /wp/v2/users*');
    for (const url of ['/wp-json/wp/v2/users/1', '/wp-json/WP/V2/USERS/', '/?rest_route=/wp/v2/users', '/wp-json/wp/v2/posts/..%2F..%2Fv2/users/me', '/wp-json/wp/v2/%75sers']) {
      expect(ruleMatches(deny, 'GET', canonicalRestPath(url) as string)).toBe(true);
    }
  });

  it('treats HEAD and OPTIONS as GET and knows no other methods', () => {
    expect(ruleMethodOf('head')).toBe('GET');
    expect(ruleMethodOf('OPTIONS')).toBe('GET');
    expect(ruleMethodOf('patch')).toBe('PATCH');
    expect(ruleMethodOf('TRACE')).toBeNull();
  });
});

describe('glob containment and intersection', () => {
  it.each([
    ['/wp/v2/posts*', '/wp/v2/posts', true],
    ['/wp/v2/posts*', '/wp/v2/posts/*', true],
    ['/wp/v2/posts*', '/wp/v2/posts*', true],
    ['/wp/v2/*', '/wp/v2/posts*', true],
    ['*', '/anything*', true],
    ['/wp/v2/*/x', '/wp/v2/a*b/x', true],
    ['/wp/v2/posts', '/wp/v2/posts*', false],
    ['/wp/v2/posts/*', '/wp/v2/posts*', false],
    ['/wp/v2/posts*', '/wp/v2/*', false],
    ['/wp/v2/*/x', '/wp/v2/*', false],
    ['/a*b', '/a*', false],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(globCovers(outer, inner)).toBe(expected);
  });

  it.each([
    ['/wp/v2/users*', '/wp/v2/*', true],
    ['/wp/v2/users*', '/wp/v2/posts*', false],
    ['/wp/v2/*/x', '/wp/v2/a/*', true],
    ['/a', '/a', true],
    ['/a', '/b', false],
    ['*', '/x', true],
    ['/a*c', '/ab*', true],
  ])('%s and %s intersect: %s', (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
  });

  it('compares methods too', () => {
    expect(ruleCovers(parseRule('GET,POST /wp/v2/posts*'), parseRule('GET /wp/v2/posts/*'))).toBe(true);
    expect(ruleCovers(parseRule('GET /wp/v2/posts*'), parseRule('GET,POST /wp/v2/posts'))).toBe(false);
    expect(ruleCovers(parseRule('GET /wp/v2/posts*'), parseRule('* /wp/v2/posts'))).toBe(false);
    expect(ruleCovers(parseRule('* /wp/v2/posts*'), parseRule('DELETE /wp/v2/posts'))).toBe(true);
    expect(rulesIntersect(parseRule('GET /wp/v2/*'), parseRule('POST /wp/v2/*'))).toBe(false);
    expect(rulesIntersect(parseRule('* /wp/v2/*'), parseRule('POST /wp/v2/users'))).toBe(true);
  });
});

import { rewriteRestRoute } from './create-server';

describe('rewriteRestRoute (?rest_route=)', () => {
  it('maps the query form to /wp-json at / and /index.php, keeping other parameters', () => {
    expect(rewriteRestRoute('/?rest_route=/wp/v2/users/me')).toBe('/wp-json/wp/v2/users/me');
    expect(rewriteRestRoute('/index.php?rest_route=/wp/v2/users&per_page=2&_fields=id')).toBe('/wp-json/wp/v2/users?per_page=2&_fields=id');
    expect(rewriteRestRoute('/?rest_route=%2Fwp%2Fv2%2Fusers')).toBe('/wp-json/wp/v2/users');
    expect(rewriteRestRoute('/?rest_route=wp/v2')).toBe('/wp-json/wp/v2');
    expect(rewriteRestRoute('/?rest_route=/')).toBe('/wp-json/');
  });

  it('leaves every other URL alone', () => {
    expect(rewriteRestRoute('/wp-json/wp/v2/users?rest_route=/x')).toBe('/wp-json/wp/v2/users?rest_route=/x');
    expect(rewriteRestRoute('/?page=2')).toBe('/?page=2');
    expect(rewriteRestRoute('/')).toBe('/');
    expect(rewriteRestRoute('/other?rest_route=/wp/v2')).toBe('/other?rest_route=/wp/v2');
  });
});

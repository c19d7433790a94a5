import { toFastifyPath, toWordPressPattern } from './rest-route.decorator';
import { compileMatcher } from './rest-route.registry';

describe('route patterns', () => {
  const collection = '/wp/v2/users/:user_id((?:[\\d]+|me))/application-passwords';

  it('shows routes as WordPress patterns', () => {
    expect(toWordPressPattern('/wp/v2/users/:id([\\d]+)')).toBe('/wp/v2/users/(?P<id>[\\d]+)');
    expect(toWordPressPattern(collection)).toBe('/wp/v2/users/(?P<user_id>(?:[\\d]+|me))/application-passwords');
    expect(toWordPressPattern(`${collection}/:uuid([\\w\\-]+)`)).toBe('/wp/v2/users/(?P<user_id>(?:[\\d]+|me))/application-passwords/(?P<uuid>[\\w\\-]+)');
    expect(toWordPressPattern('/wp/v2/things/:slug')).toBe('/wp/v2/things/(?P<slug>[^/]+)');
    expect(toWordPressPattern('/wp/v2/users/me')).toBe('/wp/v2/users/me');
  });

  it('mounts routes under /wp-json with anchored fastify regex parameters', () => {
    expect(toFastifyPath('/wp/v2/users/:id([\\d]+)')).toBe('/wp-json/wp/v2/users/:id(^(?:[\\d]+)$)');
    expect(toFastifyPath(collection)).toBe('/wp-json/wp/v2/users/:user_id(^(?:(?:[\\d]+|me))$)/application-passwords');
    expect(toFastifyPath('/wp/v2/things/:slug')).toBe('/wp-json/wp/v2/things/:slug');
  });

  it('matches concrete paths and captures their parameters', () => {
    const matcher = compileMatcher(`${collection}/:uuid([\\w\\-]+)`);
    expect(matcher.exec('/wp/v2/users/12/application-passwords/ab-cd')?.groups).toEqual({ user_id: '12', uuid: 'ab-cd' });
    expect(matcher.exec('/wp/v2/users/me/application-passwords/x/')?.groups).toEqual({ user_id: 'me', uuid: 'x' });
    expect(matcher.test('/wp/v2/users/mine/application-passwords/x')).toBe(false);
    expect(matcher.test('/wp/v2/users/12/application-passwords')).toBe(false);
    expect(compileMatcher('/wp/v2/users/me').test('/wp/v2/users/me')).toBe(true);
    expect(compileMatcher('/wp/v2/a.b').test('/wp/v2/aXb')).toBe(false);
  });
});

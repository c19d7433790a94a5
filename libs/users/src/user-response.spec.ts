import { User } from './entities/user.entity';
import { userResponse } from './user-response';

function user(changes: Partial<User> = {}): User {
  return Object.assign(new User(), {
    id: 7,
    login: 'writer',
    email: 'writer@example.test',
    displayName: 'Writer',
    nickname: 'writer',
    firstName: '',
    lastName: '',
    description: '',
    url: '',
    slug: 'writer',
    locale: 'en_US',
    role: 'author',
    registeredAt: new Date('2025-01-02T03:04:05Z'),
    ...changes,
  });
}

describe('userResponse', () => {
  const site = 'https://site.example';

  it('builds a fresh answer for a user that is not shared', () => {
    const first = userResponse(user(), 'view', site);
    expect(first).toMatchObject({ id: 7, name: 'Writer', link: `${site}/author/writer/`, meta: [] });
    expect(Object.isFrozen(first)).toBe(false);
    expect(userResponse(user(), 'view', site)).not.toBe(first);
  });

  it('answers a shared (frozen) user with one frozen answer per context, equal to the fresh one', () => {
    const shared = Object.freeze(user());
    const edit = userResponse(shared, 'edit', site);
    expect(edit).toEqual(userResponse(user(), 'edit', site));
    expect(Object.isFrozen(edit)).toBe(true);
    expect(userResponse(shared, 'edit', site)).toBe(edit);
    expect(userResponse(shared, 'view', site)).not.toBe(edit);
    expect(userResponse(shared, 'view', site)).toEqual(userResponse(user(), 'view', site));
    expect(userResponse(shared, 'edit', 'https://other.example')).toMatchObject({ link: 'https://other.example/author/writer/' });
  });

  it('answers a changed user (a new shared object) with its new fields', () => {
    expect(userResponse(Object.freeze(user()), 'edit', site)).toMatchObject({ roles: ['author'] });
    expect(userResponse(Object.freeze(user({ role: 'editor', displayName: 'Editor' })), 'edit', site)).toMatchObject({ roles: ['editor'], name: 'Editor' });
  });
});

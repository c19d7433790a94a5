import { parsePolicy } from '@gatehouse/access';
import type { Principal, RoleName } from '@gatehouse/access';
import type { PostStatus } from './entities/post.entity';
import { canDeletePost, canEditPost, canReadPost } from './post-capabilities';

const ME = 1;
const OTHER = 2;

function as(role: RoleName, policy: object = {}): Principal {
  return {
    user: { id: ME, login: 'me', email: 'me@example.test', role },
    grant: { id: '00000000-0000-4000-8000-000000000001', kind: 'app-password', appId: '', name: 'x', lastUsedAt: null },
    policy: parsePolicy(policy, { ownerRole: role, now: new Date('2020-01-01T00:00:00Z') }),
    method: 'app-password',
  };
}

function post(authorId: number, status: PostStatus, trashedFrom: PostStatus | null = null) {
  return { authorId, status, trashedFrom };
}

// [who, post, read, edit, delete] — WordPress's map_meta_cap for read_post, edit_post, delete_post.
const CASES: [string, Principal | undefined, ReturnType<typeof post>, boolean, boolean, boolean][] = [
  ['anonymous, published', undefined, post(OTHER, 'publish'), true, false, false],
  ['anonymous, draft', undefined, post(OTHER, 'draft'), false, false, false],
  ['subscriber, own draft', as('subscriber'), post(ME, 'draft'), true, false, false],
  ['contributor, own draft', as('contributor'), post(ME, 'draft'), true, true, true],
  ['contributor, own published', as('contributor'), post(ME, 'publish'), true, false, false],
  ['contributor, own trashed draft', as('contributor'), post(ME, 'trash', 'draft'), true, true, true],
  ['contributor, own trashed published', as('contributor'), post(ME, 'trash', 'publish'), true, false, false],
  ['contributor, other\'s pending', as('contributor'), post(OTHER, 'pending'), false, false, false],
  ['author, own published', as('author'), post(ME, 'publish'), true, true, true],
  ['author, own scheduled', as('author'), post(ME, 'future'), true, true, true],
  ['author, other\'s published', as('author'), post(OTHER, 'publish'), true, false, false],
  ['author, other\'s private', as('author'), post(OTHER, 'private'), false, false, false],
  ['editor, other\'s draft', as('editor'), post(OTHER, 'draft'), true, true, true],
  ['editor, other\'s private', as('editor'), post(OTHER, 'private'), true, true, true],
  ['editor, other\'s scheduled', as('editor'), post(OTHER, 'future'), true, true, true],
  ['administrator as author, other\'s published', as('administrator', { role: 'author' }), post(OTHER, 'publish'), true, false, false],
  ['administrator as author, other\'s draft', as('administrator', { role: 'author' }), post(OTHER, 'draft'), false, false, false],
  ['administrator as author, own published', as('administrator', { role: 'author' }), post(ME, 'publish'), true, true, true],
  ['editor as contributor, own published', as('editor', { role: 'contributor' }), post(ME, 'publish'), true, false, false],
];

describe('post capabilities (map_meta_cap)', () => {
  it.each(CASES)('%s', (_name, principal, facts, read, edit, remove) => {
    expect({ read: canReadPost(principal, facts), edit: canEditPost(principal, facts), remove: canDeletePost(principal, facts) }).toEqual({ read, edit, remove });
  });
});

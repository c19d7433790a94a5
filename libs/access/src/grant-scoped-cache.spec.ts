import { GrantScopedCache } from './grant-scoped-cache';
import { ALL_GRANTS, GrantEventsService } from './grant-events.service';

/** A stand-in for the LISTEN/NOTIFY service: the cache only needs `listening` and `subscribe`. */
class Events {
  listening = true;
  private readonly listeners = new Set<(grantId: string) => void>();
  subscribe(listener: (grantId: string) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(grantId: string) {
    for (const listener of this.listeners) listener(grantId);
  }
}

describe('GrantScopedCache', () => {
  let events: Events;
  let cache: GrantScopedCache<{ grant: string; n: number }>;

  beforeEach(() => {
    events = new Events();
    cache = new GrantScopedCache(events as unknown as GrantEventsService, { grantOf: (value) => value.grant, lifetimeMs: 1000 });
  });

  it('keeps values until they age out', () => {
    cache.set('k', { grant: 'g1', n: 1 }, cache.snapshot(), 0);
    expect(cache.get('k', 999)).toEqual({ grant: 'g1', n: 1 });
    expect(cache.get('k', 1000)).toBeUndefined();
  });

  it('drops a grant\'s entries on its event, and everything on ALL_GRANTS', () => {
    cache.set('a', { grant: 'g1', n: 1 }, cache.snapshot());
    cache.set('b', { grant: 'g2', n: 2 }, cache.snapshot());
    events.emit('g1');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual({ grant: 'g2', n: 2 });
    events.emit(ALL_GRANTS);
    expect(cache.get('b')).toBeUndefined();
  });

  it('does not keep a value read before an invalidation that arrived during the read', () => {
    const snapshot = cache.snapshot();
    events.emit('g1');
    cache.set('a', { grant: 'g1', n: 1 }, snapshot);
    expect(cache.get('a')).toBeUndefined();
  });

  it('is not trusted while the listener is down', () => {
    cache.set('a', { grant: 'g1', n: 1 }, cache.snapshot());
    events.listening = false;
    expect(cache.get('a')).toBeUndefined();
    cache.set('b', { grant: 'g2', n: 2 }, cache.snapshot());
    events.listening = true;
    expect(cache.get('b')).toBeUndefined();
  });

  it('stops listening once disposed', () => {
    cache.set('a', { grant: 'g1', n: 1 }, cache.snapshot());
    cache.dispose();
    expect(cache.get('a')).toBeUndefined();
  });
});

import { ALL_GRANTS, GrantEventsService } from './grant-events.service';

export interface GrantScopedCacheOptions<V> {
  /** The grant an entry belongs to: a revocation of that grant drops the entry. */
  grantOf(value: V): string | undefined;
  lifetimeMs?: number;
  maxEntries?: number;
}

interface Entry<V> {
  value: V;
  grantId: string | undefined;
  expiresAt: number;
}

/**
 * A process-local cache of anything that dies with a grant (a principal, a grant's status), so a busy
 * credential costs no query per request. Correctness rests on three rules:
 *   - any grant event (LISTEN/NOTIFY, from any process) drops that grant's entries, or all of them;
 *   - while the listener is down (`listening` false) nothing is read from or written to it;
 *   - a value read from the database is stored only if no event arrived since the read began
 *     (`snapshot()` before the read, pass it to `set`), so a read that raced a revocation is not kept.
 */
export class GrantScopedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly unsubscribe: () => void;
  private readonly lifetimeMs: number;
  private readonly maxEntries: number;
  /** Bumped by every invalidation. */
  private generation = 0;

  constructor(
    private readonly events: GrantEventsService,
    private readonly options: GrantScopedCacheOptions<V>,
  ) {
    this.lifetimeMs = options.lifetimeMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.unsubscribe = events.subscribe((grantId) => this.forget(grantId));
  }

  /** Stops listening; call from the owner's onModuleDestroy. */
  dispose(): void {
    this.unsubscribe();
    this.entries.clear();
  }

  get(key: string, now = Date.now()): V | undefined {
    if (!this.events.listening) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /**
   * `get`, once every revocation committed before this call has been heard (`GrantEventsService.caughtUp`):
   * a notification from another process may still be on its way when a request arrives, and a
   * cached answer must not outrun it. Misses cost nothing extra: they read the database anyway.
   */
  async getFresh(key: string): Promise<V | undefined> {
    if (!this.entries.has(key)) return undefined;
    try {
      await this.events.caughtUp();
    } catch {
      return undefined;
    }
    return this.get(key);
  }

  /** Take before reading from the database; pass to `set`. */
  snapshot(): number {
    return this.generation;
  }

  set(key: string, value: V, snapshot: number, now = Date.now()): void {
    if (!this.events.listening || snapshot !== this.generation) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, grantId: this.options.grantOf(value), expiresAt: now + this.lifetimeMs });
  }

  private forget(grantId: string): void {
    this.generation++;
    if (grantId === ALL_GRANTS) {
      this.entries.clear();
      return;
    }
    for (const [key, entry] of this.entries) if (entry.grantId === grantId) this.entries.delete(key);
  }
}

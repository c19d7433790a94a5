import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ALL_GRANTS, GrantEventsService, Principal } from '@gatehouse/access';

interface Entry {
  principal: Principal;
  expiresAt: number;
}

const ENTRY_LIFETIME_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Principals of recently used application passwords, keyed by the password's keyed hash, so a busy
 * client costs one HMAC instead of a query per request. Revocation anywhere reaches it through
 * LISTEN/NOTIFY; while that channel is down nothing is served from here.
 */
@Injectable()
export class CredentialCache implements OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly unsubscribe: () => void;
  /** Bumped by every invalidation: a row read before one must not be cached after it. */
  private generation = 0;

  constructor(private readonly events: GrantEventsService) {
    this.unsubscribe = events.subscribe((grantId) => this.forget(grantId));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  get(key: string, now = Date.now()): Principal | undefined {
    if (!this.events.listening) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  /** Take before reading from the database; pass to `set`. */
  snapshot(): number {
    return this.generation;
  }

  set(key: string, principal: Principal, snapshot: number, now = Date.now()): void {
    if (!this.events.listening || snapshot !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { principal, expiresAt: now + ENTRY_LIFETIME_MS });
  }

  private forget(grantId: string): void {
    this.generation++;
    if (grantId === ALL_GRANTS) {
      this.entries.clear();
      return;
    }
    for (const [key, entry] of this.entries) if (entry.principal.grant?.id === grantId) this.entries.delete(key);
  }
}

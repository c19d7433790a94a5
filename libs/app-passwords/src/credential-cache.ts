import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { GrantEventsService, GrantScopedCache, Principal } from '@gatehouse/access';

/**
 * Principals of recently used application passwords, keyed by the password's keyed hash, so a busy
 * client costs one HMAC instead of a query per request. Revocation anywhere reaches it through
 * LISTEN/NOTIFY; while that channel is down nothing is served from here (see GrantScopedCache).
 */
@Injectable()
export class CredentialCache extends GrantScopedCache<Principal> implements OnModuleDestroy {
  constructor(events: GrantEventsService) {
    super(events, { grantOf: (principal) => principal.grant?.id });
  }

  onModuleDestroy(): void {
    this.dispose();
  }
}

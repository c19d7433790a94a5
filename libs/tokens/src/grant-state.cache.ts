import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { GrantEventsService, GrantScopedCache, Principal } from '@gatehouse/access';

/** What a bearer request needs to know about its token's grant, as of the last database read. */
export interface GrantState {
  grantId: string;
  /** The principal the grant's tokens act as; null when the grant is revoked or gone. */
  principal: Principal | null;
  /** Token families of this grant revoked recently enough that their access tokens may still be unexpired. */
  revokedFamilies: ReadonlySet<string>;
}

/**
 * Grant status, user and revoked families by grant id, so a bearer request costs no query. Every
 * revocation (of the grant, of a family, a role change) is a grant event and empties the entry.
 */
@Injectable()
export class GrantStateCache extends GrantScopedCache<GrantState> implements OnModuleDestroy {
  constructor(events: GrantEventsService) {
    super(events, { grantOf: (state) => state.grantId });
  }

  onModuleDestroy(): void {
    this.dispose();
  }
}

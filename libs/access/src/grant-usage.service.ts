import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Grant } from './entities/grant.entity';
import type { PrincipalGrant } from './principal';

/** A busy client must not turn every read into a write: last use is rewritten at most this often. */
export const USAGE_WRITE_INTERVAL_MS = 60_000;

@Injectable()
export class GrantUsageService {
  constructor(@InjectRepository(Grant) private readonly grants: Repository<Grant>) {}

  /**
   * Records when and from where a grant was used. Awaited by the caller, so the very next read sees
   * it; skipped when the recorded use is under a minute old. `now` comes from the injected Clock.
   */
  async record(grant: PrincipalGrant, ip: string, now: Date): Promise<void> {
    if (!this.due(grant, now)) return;
    await this.grants.update({ id: grant.id }, { lastUsedAt: now, lastIp: ip });
    // The principal's grant object is shared with the credential cache: later requests see the write.
    grant.lastUsedAt = now;
  }

  /** Whether `record` would write: lets a hot path skip awaiting it when it would not. */
  due(grant: PrincipalGrant, now: Date): boolean {
    return !grant.lastUsedAt || now.getTime() - grant.lastUsedAt.getTime() >= USAGE_WRITE_INTERVAL_MS;
  }
}

import { Injectable } from '@nestjs/common';

/**
 * Which Passport strategy authenticates which `Authorization` scheme. Each credential lib registers
 * its own (Basic → application password, Bearer → JWT/OAuth token, OAuth → OAuth 1 signature); one
 * scheme, one strategy, so strategies never compete for a header.
 */
@Injectable()
export class CredentialSchemes {
  private readonly strategies = new Map<string, string>();

  register(scheme: string, strategyName: string): void {
    this.strategies.set(scheme.toLowerCase(), strategyName);
  }

  strategyFor(scheme: string): string | undefined {
    return this.strategies.get(scheme.toLowerCase());
  }
}

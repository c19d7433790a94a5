import { Injectable } from '@nestjs/common';

/**
 * Which Passport strategy authenticates which `Authorization` scheme. Each credential lib registers
 * its own (Basic → application password, Bearer → JWT/OAuth token, OAuth → OAuth 1 signature); one
 * scheme, one strategy, so strategies never compete for a header. One fallback strategy (the login
 * session cookie) may run when a request carries no Authorization header at all.
 */
@Injectable()
export class CredentialSchemes {
  private readonly strategies = new Map<string, string>();
  private fallback?: string;

  register(scheme: string, strategyName: string): void {
    this.strategies.set(scheme.toLowerCase(), strategyName);
  }

  strategyFor(scheme: string): string | undefined {
    return this.strategies.get(scheme.toLowerCase());
  }

  /** The strategy for requests without an Authorization header (a browser's session cookie). One only. */
  registerFallback(strategyName: string): void {
    if (this.fallback !== undefined && this.fallback !== strategyName) {
      throw new Error(`A fallback credential strategy is already registered: ${this.fallback}`);
    }
    this.fallback = strategyName;
  }

  fallbackStrategy(): string | undefined {
    return this.fallback;
  }
}

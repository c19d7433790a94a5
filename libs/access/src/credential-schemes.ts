import { Injectable } from '@nestjs/common';
import { Authenticator, Strategy } from 'passport';

/** What the guard needs of a credential strategy: a name and Passport's `authenticate` (taking Fastify's request). */
export interface CredentialStrategy {
  name: string;
  authenticate(request: unknown, options?: object): void;
}

/**
 * Which Passport strategy authenticates which `Authorization` scheme. Each credential lib registers
 * its own (Basic → application password, Bearer → JWT/OAuth token, OAuth → OAuth 1 signature); one
 * scheme, one strategy, so strategies never compete for a header. One fallback strategy (the login
 * session cookie) may run when a request carries no Authorization header at all.
 *
 * Strategies live in this application's own Passport `Authenticator`, not in the `passport` module's
 * global one: two applications in one process (tests of several instances) must not authenticate
 * with each other's strategies, caches and configuration.
 */
@Injectable()
export class CredentialSchemes {
  readonly authenticator = new Authenticator();
  private readonly strategies = new Map<string, string>();
  private fallback?: string;

  register(scheme: string, strategy: CredentialStrategy): void {
    this.authenticator.use(strategy.name, strategy as Strategy);
    this.strategies.set(scheme.toLowerCase(), strategy.name);
  }

  strategyFor(scheme: string): string | undefined {
    return this.strategies.get(scheme.toLowerCase());
  }

  /** The strategy for requests without an Authorization header (a browser's session cookie). One only. */
  registerFallback(strategy: CredentialStrategy): void {
    if (this.fallback !== undefined && this.fallback !== strategy.name) {
      throw new Error(`A fallback credential strategy is already registered: ${this.fallback}`);
    }
    this.authenticator.use(strategy.name, strategy as Strategy);
    this.fallback = strategy.name;
  }

  fallbackStrategy(): string | undefined {
    return this.fallback;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { parseBasicCredentials } from '@gatehouse/access';
import { GATEHOUSE_CONFIG } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-strategy';
import { AppPasswordsService } from '../app-passwords.service';

export const APP_PASSWORD_STRATEGY = 'app-password';

/**
 * Passport strategy for `Authorization: Basic` with an application password. It only authenticates:
 * usage is recorded by the access guard, not here. (A few lines of our own instead of passport-http,
 * which is unmaintained, splits on every colon and uses the deprecated Buffer constructor.)
 */
@Injectable()
export class AppPasswordStrategy extends Strategy {
  name = APP_PASSWORD_STRATEGY;

  constructor(
    private readonly appPasswords: AppPasswordsService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {
    super();
  }


  // Passport hands over whatever request object the framework has: Fastify's, here.
  override authenticate(raw: unknown): void {
    const request = raw as FastifyRequest;
    // Outside a local environment WordPress ignores application passwords sent without HTTPS.
    if (this.config.env === 'production' && request.protocol !== 'https') return this.pass();
    let credentials: { username: string; password: string };
    try {
      credentials = parseBasicCredentials(request.headers.authorization ?? '');
    } catch (error) {
      return this.error(error as Error);
    }
    this.appPasswords.authenticate(credentials.username, credentials.password).then(
      (principal) => this.success(principal),
      (error: Error) => this.error(error),
    );
  }
}

import { Inject, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { CredentialSchemes } from '@gatehouse/access';
import { AppPasswordsModule } from '@gatehouse/app-passwords';
import { Clock, GATEHOUSE_CONFIG, RestIndexService } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { UsersModule, UsersService } from '@gatehouse/users';
import { AssetsController } from './assets/assets.controller';
import { AuthorizeCodesService } from './authorize/authorize-codes.service';
import { AuthorizeExchangeController, EXCHANGE_ROUTE } from './authorize/authorize-exchange.controller';
import { AuthorizeController } from './authorize/authorize.controller';
import { AuthorizeService } from './authorize/authorize.service';
import { CsrfService } from './csrf.service';
import { LoginThrottleService } from './login/login-throttle.service';
import { LoginController } from './login/login.controller';
import { LoginService } from './login/login.service';
import { AUTHORIZE_PATH } from './pages/authorize.pages';
import { ProfileController } from './profile/profile.controller';
import { SessionCookieStrategy } from './sessions/session-cookie.strategy';
import { SessionsService } from './sessions/sessions.service';
import { TwoFactorController } from './two-factor/two-factor.controller';
import { TwoFactorService } from './two-factor/two-factor.service';

/**
 * What a person sees: login (with two-factor), the authorize-application consent flow, and the profile.
 * It also makes the login session a credential: the access guard's fallback when no Authorization
 * header is sent. Needs `@fastify/cookie` registered on the server (create-server does it).
 */
@Module({
  imports: [UsersModule, AppPasswordsModule],
  controllers: [LoginController, AuthorizeController, AuthorizeExchangeController, ProfileController, TwoFactorController, AssetsController],
  providers: [CsrfService, SessionsService, SessionCookieStrategy, LoginThrottleService, LoginService, TwoFactorService, AuthorizeCodesService, AuthorizeService],
  exports: [SessionsService, TwoFactorService],
})
export class AuthorizeUiModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly schemes: CredentialSchemes,
    private readonly sessionCookieStrategy: SessionCookieStrategy,
    private readonly index: RestIndexService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  onModuleInit(): void {
    this.schemes.registerFallback(this.sessionCookieStrategy);
    // A new login password ends the user's other browser sessions, whoever changed it.
    this.users.addLifecycleHooks({ afterPasswordChange: (manager, userId, keep) => this.sessions.revokeAllInTransaction(manager, userId, keep) });
  }

  /**
   * Replaces the app-passwords lib's entry (after every module's init), keeping WordPress's
   * `endpoints.authorization` and adding the code + PKCE form.
   */
  onApplicationBootstrap(): void {
    this.index.addAuthentication('application-passwords', {
      endpoints: {
        authorization: `${this.config.siteUrl}${AUTHORIZE_PATH}`,
        exchange: `${this.config.siteUrl}/wp-json${EXCHANGE_ROUTE}`,
      },
      response_types: ['password', 'code'],
      code_challenge_methods: ['S256'],
    }, { secureOnly: true });
  }
}
